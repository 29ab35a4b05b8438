#!/bin/sh
# `e-vanguard-cli members …`: exit statuses and JSON that scripts rely on.
. "$(dirname "$0")/cli-test-lib.sh"
db="$dir/m.db"

printf '\357\273\277姓名,公民身份证号,人员类别,加入党组织日期,转为正式党员日期,联系电话,党小组\r\n' > "$dir/good.csv"
printf '张三,110105198001010016,正式党员,2005/7/1,2006年7月1日,13812345678,第一党小组\r\n' >> "$dir/good.csv"
printf '李四,110105198001010024,预备党员,2024-09-01,,,\r\n' >> "$dir/good.csv"

cp "$dir/good.csv" "$dir/some-bad.csv"
printf '王五,110105198001010025,正式党员,2005-07-01,2006-07-01,,\r\n' >> "$dir/some-bad.csv"
printf 'name,id_number,category,joined_on,full_member_on\n赵六,11010519491231002X,full,1970-07-01,1971-07-01\n' > "$dir/english.csv"

check 0 "members --help lists the subcommands" $cli members --help
grep -q 'import' "$dir/out" && grep -q 'export' "$dir/out" || { echo "not ok - help"; failures=$((failures + 1)); }
check 2 "members with an unknown subcommand" $cli members frobnicate
check 2 "import without a file" $cli --database "$db" members import
check 2 "import of a missing file" $cli --database "$db" members import "$dir/none.csv" --json
printf '\377\376\000\000\377' > "$dir/junk.csv"
check 2 "import of a file that is no CSV roster" $cli --database "$db" members import "$dir/junk.csv"

check 3 "dry run with a bad row" $cli --database "$db" members import "$dir/some-bad.csv" --dry-run --json
py "dry run reports and writes nothing" "$dir/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["added"] == 2 and d["updated"] == 0 and d["unchanged"] == 0, d
assert len(d["rejected"]) == 1, d
r = d["rejected"][0]
assert r["line"] == 4 and r["field"] == "id_number" and r["message"], r
assert d["written"] is False, d
PY
check 0 "list is empty after the dry run" $cli --database "$db" members list --json
py "empty list" "$dir/out" <<'PY'
import json, sys
assert json.load(open(sys.argv[1])) == []
PY

check 3 "import with a bad row imports the others" $cli --database "$db" members import "$dir/some-bad.csv" --json
py "import JSON" "$dir/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["added"], d["updated"], d["unchanged"]) == (2, 0, 0), d
assert [r["line"] for r in d["rejected"]] == [4], d
PY
check 0 "import of good rows again changes nothing" $cli --database "$db" members import "$dir/good.csv" --json
py "unchanged" "$dir/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["added"], d["updated"], d["unchanged"], d["rejected"]) == (0, 0, 2, []), d
PY
check 0 "English headers" $cli --database "$db" members import "$dir/english.csv"

check 0 "list --search by pinyin initials" $cli --database "$db" members list --search zs --json
py "search finds 张三 with masked numbers" "$dir/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert [m["name"] for m in d] == ["张三"], d
m = d[0]
assert m["id_number"] == "110105********0016", m
assert m["phone"] == "138****5678", m
assert m["party_group"] == "第一党小组" and m["category"] == "full", m
assert m["joined_on"] == "2005-07-01" and m["full_member_on"] == "2006-07-01", m
assert isinstance(m["party_age"], int) and m["days_to_full"] is None, m
PY
check 0 "list in text" $cli --database "$db" members list
[ "$(wc -l < "$dir/out")" -eq 3 ] || { echo "not ok - three members listed"; failures=$((failures + 1)); }

check 0 "show by ID number" $cli --database "$db" members show 11010519491231002x --json
py "show JSON" "$dir/out" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["name"] == "赵六" and m["id_number"] == "11010519491231002X", m
assert m["gender"] == "female" and m["birth_date"] == "1949-12-31", m
assert m["lost_contact"] is False and m["mobile_member"] is False, m
PY
check 1 "show of an unknown ID number" $cli --database "$db" members show 110105198001010099

check 0 "export" $cli --database "$db" members export "$dir/export.csv"
head -c 3 "$dir/export.csv" | od -An -tx1 | grep -q 'ef bb bf' || { echo "not ok - export has a BOM"; failures=$((failures + 1)); }
check 0 "re-import of the export" $cli --database "$db" members import "$dir/export.csv" --json
py "round trip changes nothing" "$dir/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["added"], d["updated"], d["unchanged"], d["rejected"]) == (0, 0, 3, []), d
PY

# Inputs that are no CSV file are refused before anything is read: a pipe
# would block for ever and /dev/zero fill the memory.
mkfifo "$dir/pipe.csv"
check 2 "import of a pipe is refused at once" timeout 20 $cli --database "$db" members import "$dir/pipe.csv"
grep -q 'pipe' "$dir/err" || { echo "not ok - the message says it is a pipe"; failures=$((failures + 1)); }
if [ -c /dev/zero ]; then
  check 2 "import of /dev/zero is refused" timeout 20 $cli --database "$db" members import /dev/zero
  grep -q 'device' "$dir/err" || { echo "not ok - the message says it is a device"; failures=$((failures + 1)); }
fi
head -c 1500000 /dev/zero | tr '\0' '\n' > "$dir/large.csv"
check 2 "a file over --max-size is refused" $cli --database "$db" members import "$dir/large.csv" --max-size 1
grep -q 'limit of 1.0' "$dir/err" || { echo "not ok - the message names the limit"; failures=$((failures + 1)); }
check 2 "--max-size must be a positive number" $cli --database "$db" members import "$dir/good.csv" --max-size 0
printf '姓名,公民身份证号\n张三,1101\000\n' > "$dir/nul.csv"
check 2 "a file with NUL bytes" $cli --database "$db" members import "$dir/nul.csv"
grep -q 'NUL bytes (the first on line 2)' "$dir/err" || { echo "not ok - NUL named with its line"; failures=$((failures + 1)); }

# A quote left open to the end of the file: refused, naming its line, in
# the preview and the import alike, and nothing written.
printf '姓名,公民身份证号,人员类别,加入党组织日期,转为正式党员日期,家庭住址\n' > "$dir/open.csv"
printf '周一,110105198001010016,正式党员,2005-07-01,2006-07-01,东城区\n' >> "$dir/open.csv"
printf '周二,110105198001010024,正式党员,2005-07-01,2006-07-01,"西城区\n' >> "$dir/open.csv"
printf '周三,11010519491231002X,正式党员,1970-07-01,1971-07-01,朝阳区\n' >> "$dir/open.csv"
printf '周四,110105198101010013,正式党员,2005-07-01,2006-07-01,海淀区\n' >> "$dir/open.csv"
printf '周五,110105198201010010,正式党员,2005-07-01,2006-07-01,丰台区\n' >> "$dir/open.csv"
check 2 "preview of a file with an unterminated quote" $cli --database "$db" members import "$dir/open.csv" --dry-run --json
grep -q 'line 3 is never closed' "$dir/err" || { echo "not ok - the preview names line 3"; failures=$((failures + 1)); }
check 2 "import of a file with an unterminated quote" $cli --database "$db" members import "$dir/open.csv"
grep -q 'line 3 is never closed' "$dir/err" || { echo "not ok - the import names line 3"; failures=$((failures + 1)); }
check 0 "nobody of that file was imported" $cli --database "$db" members list --search 周 --json
py "no 周" "$dir/out" <<'PY'
import json, sys
assert json.load(open(sys.argv[1])) == []
PY

# Closed by a later quote, the rows in between are one row's cell: that row
# is rejected, and every line of the file is accounted for.
sed 's/,朝阳区$/,"朝阳区"/' "$dir/open.csv" > "$dir/swallowed.csv"
printf '\n,,,,,\n' >> "$dir/swallowed.csv"
check 3 "rows read into one cell are rejected" $cli --database "$db" members import "$dir/swallowed.csv" --dry-run --json
py "the rejection and the line counts" "$dir/out" "$dir/swallowed.csv" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
lines = open(sys.argv[2], encoding='utf-8').read().count('\n')
assert [(r["line"], r["field"]) for r in d["rejected"]] == [(3, "address")], d
assert "line 4 of the file looks like a row" in d["rejected"][0]["message"], d
l = d["lines"]
assert l == {"total": lines, "header": 1, "accepted": 3, "rejected": 2, "blank": 2}, l
assert l["header"] + l["accepted"] + l["rejected"] + l["blank"] == l["total"], l
assert (d["added"] + d["updated"], d["rejected_rows"]) == (3, 1), d
PY
check 3 "the same in words" $cli --database "$db" members import "$dir/swallowed.csv" --dry-run
grep -q 'The file has 8 lines: 1 in the header, 3 in accepted rows, 2 in rejected rows, 2 blank.' "$dir/out" ||
  { echo "not ok - the line counts in words"; failures=$((failures + 1)); }

# A note that a spreadsheet would run as a formula is exported behind an
# apostrophe, and importing the export changes nothing.
printf 'name,id_number,category,joined_on,full_member_on,note\n孙八,110105198201010029,full,2005-07-01,2006-07-01,"=HYPERLINK(""http://x"",""y"")"\n' > "$dir/formula.csv"
check 0 "import of a formula-like note" $cli --database "$db" members import "$dir/formula.csv"
check 0 "export of it" $cli --database "$db" members export "$dir/formula-out.csv"
grep -q ",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"," "$dir/formula-out.csv" ||
  { echo "not ok - the formula is exported behind an apostrophe"; failures=$((failures + 1)); }
check 0 "re-import of that export" $cli --database "$db" members import "$dir/formula-out.csv" --json
py "nothing changed" "$dir/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["added"] == 0 and d["updated"] == 0 and d["rejected"] == [], d
PY

# Workbooks (.xlsx), when a python3 with openpyxl is there to check them:
# the export read back by openpyxl, the round trip, a workbook made by
# openpyxl, and the rejected rows saved to fix.
xlsx_python=$(python_with openpyxl)
if [ -n "$xlsx_python" ]; then
  check 0 "export to a workbook" $cli --database "$db" members export "$dir/export.xlsx"
  PYTHON=$xlsx_python py "openpyxl reads the workbook: text cells, national headers, frozen header" \
    "$dir/export.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
assert ws.freeze_panes == 'A2', ws.freeze_panes
rows = list(ws.iter_rows())
head = [c.value for c in rows[0]]
assert head[:4] == ['姓名', '性别', '民族', '公民身份证号'], head
ids = [r[3] for r in rows[1:]]
assert all(c.data_type == 's' for c in ids), [(c.value, c.data_type) for c in ids]
assert '11010519491231002X' in [c.value for c in ids], ids
phone = head.index('联系电话')
assert any(r[phone].value == '13812345678' and r[phone].data_type == 's' for r in rows[1:])
note = head.index('备注')
assert any(r[note].value == '=HYPERLINK("http://x","y")' and r[note].data_type == 's' for r in rows[1:])
PY
  check 0 "re-import of the workbook export" $cli --database "$db" members import "$dir/export.xlsx" --json
  py "workbook round trip changes nothing" "$dir/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["added"], d["updated"], d["rejected"]) == (0, 0, []), d
assert d["encoding"] is None and d["sheet"] == "党员名册", d
PY

  "$xlsx_python" - "$dir/made.xlsx" <<'PY'
import sys, datetime, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = '名单'
ws.append(['姓名', '公民身份证号', '人员类别', '加入党组织日期', '转为正式党员日期', '联系电话'])
ws.append(['吴九', '110105198301010018', '正式党员', datetime.date(2005, 7, 1), datetime.date(2006, 7, 1), 13912345678])
ws.append(['郑十', '110105198301010016', '正式党员', datetime.date(2005, 7, 1), datetime.date(2006, 7, 1), None])
wb.save(sys.argv[1])
PY
  check 3 "import of a workbook made by openpyxl, saving the rejected row" \
    $cli --database "$db" members import "$dir/made.xlsx" --rejects "$dir/rejects.xlsx" --json
  PYTHON=$xlsx_python py "one added, the bad row saved with its reason" "$dir/out" "$dir/rejects.xlsx" <<'PY'
import json, sys, openpyxl
d = json.load(open(sys.argv[1]))
assert d["added"] == 1 and [r["line"] for r in d["rejected"]] == [3], d
ws = openpyxl.load_workbook(sys.argv[2]).active
rows = [[c.value for c in r] for r in ws.iter_rows()]
assert rows[0][-2:] == ['原行号', '问题说明'], rows[0]
assert len(rows) == 2 and rows[1][0] == '郑十' and rows[1][1] == '110105198301010016', rows
assert rows[1][-2] == '3' and rows[1][-1].startswith('公民身份证号：'), rows[1]
PY
  check 3 "the rejects file imports again, its two columns passed over" \
    $cli --database "$db" members import "$dir/rejects.xlsx" --dry-run --json
  py "only the row's own problem" "$dir/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ignored_columns"] == [] and [r["line"] for r in d["rejected"]] == [2], d
PY
  check 3 "rejected rows saved as CSV" \
    $cli --database "$db" members import "$dir/made.xlsx" --dry-run --rejects "$dir/rejects.csv"
  grep -q '郑十,"	110105198301010016"' "$dir/rejects.csv" ||
    { echo "not ok - the CSV keeps the ID number as text"; failures=$((failures + 1)); }
  printf 'PK\003\004 not a zip\n' > "$dir/junk.xlsx"
  check 2 "a damaged workbook is refused" $cli --database "$db" members import "$dir/junk.xlsx"
  grep -q 'damaged' "$dir/err" || { echo "not ok - the message says it is damaged"; failures=$((failures + 1)); }
else
  echo "# python3-openpyxl is not installed: the workbook checks are skipped"
fi

echo "1..$n"
[ "$failures" -eq 0 ]
