import collections
ours=collections.defaultdict(dict); oauto={}
for l in open('ours.txt'):
    p,k,f,a=l.split(); a=float(a)
    if k=='auto': oauto[p]=(f,a)
    else: ours[p][f]=a
rs=collections.defaultdict(dict); rauto={}
for l in open('r.txt'):
    p,k,f,a=l.strip().split('|'); a=float(a)
    if k=='auto': rauto[p]=(f,a)
    else: rs[p][f]=a
diff=[p for p in oauto if oauto[p][0]!=rauto[p][0]]
print("nodes",len(oauto),"different forms",len(diff))
cat=collections.Counter()
for p in diff:
    of,oa=oauto[p]; rf,ra=rauto[p]
    o_rf=ours[p].get(rf); r_of=rs[p].get(of)
    # is R's form better under our fit? our AICc of R's form vs our chosen
    note=[]
    if o_rf is None: note.append("R form not fitted by us")
    else:
        # our fit of R's form vs R's fit of R's form
        note.append("ourfit(Rform)-Rfit(Rform)=%.2f"%(o_rf-ra))
    if r_of is not None: note.append("Rfit(ourform)-ourfit(ourform)=%.2f"%(r_of-oa))
    else: note.append("R cannot fit our form (restrict?)")
    if o_rf is not None and o_rf > ra+0.01: cat['our optimiser worse on R form']+=1
    elif r_of is not None and r_of > oa+0.01: cat['R optimiser worse on our form']+=1
    else: cat['other']+=1
    print(p, of, "%.2f"%oa, "| R", rf, "%.2f"%ra, "|", "; ".join(note))
print(cat)
# overall: how often is our fit of a form worse than R's fit of the same form (AICc) by >0.1
worse=better=0; wl=[]
for p in ours:
    for f,a in ours[p].items():
        if f in rs[p]:
            d=a-rs[p][f]
            if d>0.1: worse+=1; wl.append((d,p,f))
            elif d<-0.1: better+=1
print("form fits: ours worse by >0.1 AICc:",worse," better:",better)
for d,p,f in sorted(wl,reverse=True)[:15]: print("  %.2f %s %s"%(d,p,f))
