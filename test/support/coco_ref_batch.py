"""Runs ../shared/reference/coco_ref.py's `evaluate` (pycocotools' own COCOeval) over many cases in one
process, so a test of hundreds of cases pays Python's start-up once.

usage: coco_ref_batch.py REFERENCE_DIR CASES.json
CASES.json: [{"gt": path, "res": path, "sigmas": [..] | null}, ...]
prints: [{"AP": .., ...} | {"error": ".."}, ...] in the same order (floats as repr: exact round trip).
Nothing of ../shared is copied here; it is imported from REFERENCE_DIR at run time."""
import json
import sys

sys.path.insert(0, sys.argv[1])
import coco_ref  # noqa: E402  (from REFERENCE_DIR)

cases = json.load(open(sys.argv[2]))
out = []
for case in cases:
    try:
        out.append(coco_ref.evaluate(case['gt'], case['res'], case.get('sigmas')))
    except Exception as exc:  # reported per case; the test fails on it
        out.append({'error': '%s: %s' % (type(exc).__name__, exc)})
print(json.dumps(out))
