# Loads O*NET 29.2 text + ratings into arrays (cached under $TMPDIR between runs).
import os, re, pickle, csv, math
import numpy as np
D = os.environ.get('ONET_DATA_DIR', os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../../shared/onet/db_29_2_text')) + '/'
CACHE = os.path.join(os.environ.get('TMPDIR', '/tmp'), 'skillgap-estimate-research.pkl')
STOP = set("""a about according activities all also an and any are as at be been being both but by can do duties each etc for from has have how if in include includes including into is it its may more most must not occupation occupations of on one only or other others our out over per perform performing such than that the their them these they this those through to under upon various via was were which who will""".split())
assert len(STOP) == 78

def rows(name):
    with open(D + name, 'rb') as f:
        lines = f.read().decode('latin-1').replace('\r\n', '\n').split('\n')
    hdr = lines[0].split('\t')
    out = []
    for l in lines[1:]:
        if not l: continue
        out.append(dict(zip(hdr, l.split('\t'))))
    return out

_word = re.compile(r'[A-Za-z0-9]+')
def terms(text, stem):
    out = []
    for w in _word.findall(text):
        w = w.lower()
        if len(w) < 2 or w.isdigit() or w in STOP: continue
        out.append(stem(w))
    return out

def load():
    if os.path.exists(CACHE):
        return pickle.load(open(CACHE, 'rb'))
    import snowballstemmer
    st = snowballstemmer.stemmer('english')
    cache = {}
    def stem(w):
        s = cache.get(w)
        if s is None: s = cache[w] = st.stemWord(w)
        return s
    occ = rows('Occupation Data.txt')
    codes = sorted(o['O*NET-SOC Code'] for o in occ)
    idx = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    # fields: list per doc of (fieldname, termlist)
    fields = [[] for _ in range(n)]
    for o in occ:
        i = idx[o['O*NET-SOC Code']]
        fields[i].append(('title', terms(o['Title'], stem)))
        fields[i].append(('desc', terms(o['Description'], stem)))
    for r in rows('Task Statements.txt'):
        i = idx.get(r['O*NET-SOC Code'])
        if i is None: continue
        fields[i].append(('core' if r['Task Type'] == 'Core' else 'supp', terms(r['Task'], stem)))
    for r in rows('Alternate Titles.txt'):
        i = idx.get(r['O*NET-SOC Code'])
        if i is None: continue
        fields[i].append(('alt', terms(r['Alternate Title'], stem)))
    for r in rows('Sample of Reported Titles.txt'):
        i = idx.get(r['O*NET-SOC Code'])
        if i is None: continue
        fields[i].append(('rep', terms(r['Reported Job Title'], stem)))
    tech = [[] for _ in range(n)]
    for r in rows('Technology Skills.txt'):
        i = idx.get(r['O*NET-SOC Code'])
        if i is None: continue
        tech[i].append((r['Commodity Code'], r['Example'], r['Commodity Title'], r['Hot Technology']))
    zone = np.zeros(n, int)
    for r in rows('Job Zones.txt'):
        i = idx.get(r['O*NET-SOC Code'])
        if i is not None: zone[i] = int(r['Job Zone'])
    cols = {}; colinfo = []
    cells = []
    for dom, fn in (('skills', 'Skills.txt'), ('knowledge', 'Knowledge.txt')):
        for r in rows(fn):
            if r['Scale ID'] not in ('LV', 'IM'): continue
            i = idx.get(r['O*NET-SOC Code'])
            if i is None: continue
            key = (r['Element ID'], r['Scale ID'])
            if key not in cols:
                cols[key] = len(colinfo); colinfo.append((dom, r['Element ID'], r['Scale ID']))
            cells.append((i, cols[key], float(r['Data Value'])))
    Y = np.full((n, len(colinfo)), np.nan)
    for i, c, v in cells: Y[i, c] = v
    data = dict(codes=codes, fields=fields, tech=tech, zone=zone, Y=Y, colinfo=colinfo)
    pickle.dump(data, open(CACHE, 'wb'))
    return data

if __name__ == '__main__':
    d = load()
    Y = d['Y']
    rated = ~np.isnan(Y).all(1)
    print(len(d['codes']), rated.sum(), Y.shape, np.isnan(Y[rated]).sum(), (d['zone'] == 0).sum())
    from collections import Counter
    print(Counter((c[0], c[2]) for c in d['colinfo']))
