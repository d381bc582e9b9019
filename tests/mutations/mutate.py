# Breaks one CorsKit behaviour at a time (text replacements in src/), rebuilds, runs the tests
# that cover it and reports whether they caught it (KILLED) or not (SURVIVED); always restores
# the sources. Usage, from the repository root: python3 tests/mutations/mutate.py tests/mutations/browser-scenarios.json
import subprocess, sys, json, os
root=os.getcwd()+'/'
muts=json.load(open(sys.argv[1]))
results=[]
for m in muts:
    edits=m['edits']
    backups={}
    ok=True
    for e in edits:
        p=root+e['file']
        s=backups.get(p) or open(p).read()
        backups.setdefault(p, s)
        cur=open(p).read()
        if cur.count(e['old'])!=1:
            print('MUTATION NOT APPLICABLE', m['name'], e['file'], cur.count(e['old'])); ok=False; break
        open(p,'w').write(cur.replace(e['old'], e['new']))
    if ok:
        b=subprocess.run(['dotnet','build',root+m.get('project','tests/CorsKit.BrowserTests'),'-v','q','-nologo'],capture_output=True,text=True)
        if b.returncode!=0:
            print('BUILD FAILED', m['name']); print(b.stdout[-2000:]); res='build-failed'
        else:
            t=subprocess.run(['dotnet','test',root+m.get('project','tests/CorsKit.BrowserTests'),'--no-build','--filter',m['filter']],capture_output=True,text=True)
            line=[l for l in t.stdout.splitlines() if 'Passed!' in l or 'Failed!' in l]
            res=('KILLED (test failed)' if t.returncode!=0 else 'SURVIVED (test passed)') + ' ' + (line[-1].strip() if line else '')
        results.append((m['name'],res)); print(m['name'],'=>',res, flush=True)
    for p,s in backups.items(): open(p,'w').write(s)
subprocess.run(['dotnet','build',root+'CorsKit.sln','-v','q','-nologo'],capture_output=True)
