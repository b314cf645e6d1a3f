/* fit every ETS form to each tourism node series: path form aicc loglik; and auto */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "ets.h"
static const char *forms[] = {"ANN","AAN","AAdN","ANA","AAA","AAdA","MNN","MAN","MAdN","MNA","MAA","MAdA","MNM","MAM","MAdM",NULL};
int main(int argc, char **argv) {
  FILE *f = fopen(argv[1], "r"); char line[512], cur[256] = "", path[256];
  double y[200]; int n = 0; int mamm = argc > 2;
  fgets(line, sizeof line, f);
  for (;;) {
    char *ok = fgets(line, sizeof line, f); double v = 0;
    if (ok) { char *p = strtok(line, ","); strcpy(path, p); strtok(NULL, ","); v = atof(strtok(NULL, ",\n")); }
    if (!ok || (n > 0 && strcmp(path, cur) != 0)) {
      FcEtsControl ctl; FcEtsModel fit; char nm[32]; int i;
      fc_ets_control_init(&ctl); ctl.allow_mul_error_trend_season = mamm;
      memset(&fit, 0, sizeof fit);
      if (fc_ets_auto(y, n, 4, &ctl, &fit) == 0) { fc_ets_form_name(fit.form, nm, sizeof nm); printf("%s auto %s %.4f\n", cur, nm, fit.aicc); fc_ets_model_free(&fit); }
      for (i = 0; forms[i]; i++) {
        FcEtsForm fm; const char *s = forms[i];
        fm.error = s[0]; fm.trend = s[1]; fm.damped = s[2] == 'd'; fm.season = s[fm.damped ? 3 : 2];
        memset(&fit, 0, sizeof fit);
        if (fc_ets_fit_form(y, n, 4, fm, &ctl, &fit) == 0) { fc_ets_form_name(fit.form, nm, sizeof nm); printf("%s form %s %.4f\n", cur, nm, fit.aicc); fc_ets_model_free(&fit); }
      }
      n = 0;
    }
    if (!ok) break;
    strcpy(cur, path); y[n++] = v;
  }
  return 0;
}
