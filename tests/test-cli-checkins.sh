#!/bin/sh
# `e-vanguard-cli whistles …` and `checkins …`: exit statuses, JSON keys
# and the rules of DOMAIN.md's 吹哨报到 as scripts see them.
. "$(dirname "$0")/cli-test-lib.sh"
db="$dir/c.db"
m="$cli --database $db"

printf '姓名,公民身份证号,人员类别,加入党组织日期,转为正式党员日期,党小组\n' > "$dir/roster.csv"
printf '张三,110105198001010016,正式党员,2005-07-01,2006-07-01,第一党小组\n' >> "$dir/roster.csv"
printf '李四,110105198001010024,预备党员,2024-09-01,,第一党小组\n' >> "$dir/roster.csv"
printf '赵六,11010519491231002X,正式党员,1970-07-01,1971-07-01,第二党小组\n' >> "$dir/roster.csv"
check 0 "a roster to serve with" $m members import "$dir/roster.csv"

check 0 "whistles --help lists the subcommands" $cli whistles --help
grep -q 'close' "$dir/out" || { echo "not ok - help"; failures=$((failures + 1)); }
check 2 "add without a category" $m whistles add --title 巡逻 --start 2026-03-05T08:00 --end 2026-03-05T12:00
check 2 "add of an unknown category" $m whistles add --title 巡逻 --category picnic --start 2026-03-05T08:00 --end 2026-03-05T12:00
check 3 "a whistle that ends before it starts" $m whistles add --title 巡逻 --category safety --start 2026-03-05T08:00 --end 2026-03-05T07:00
check 0 "nothing was written" $m --json info
py "no whistle stored" "$dir/out" <<'PY'
import json, sys
assert json.load(open(sys.argv[1]))["counts"].get("whistle", 0) == 0
PY

check 0 "raise a whistle, --json after the command" $m whistles add --title '防汛"值守"' --category 安全宣传与治安巡逻 --start 2026-07-10T08:00 --end 2026-07-10T18:00 --needed 2 --place 东区 --json
w=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$dir/out")
check 0 "another, to cancel" $m --json whistles add --title 取消的 --category other --start 2026-07-11T08:00 --end 2026-07-11T18:00
gone=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$dir/out")

check 3 "checking out before checking in" $m checkins out "$w" 110105198001010016 --at 2026-07-10T09:00
check 0 "张三 checks in" $m --json checkins in "$w" 110105198001010016 --at 2026-07-10T08:05
py "the check-in as JSON" "$dir/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["already"] is False, d
assert d["name"] == "张三" and d["arrived_at"] == "2026-07-10 08:05" and d["left_at"] is None, d
assert d["target"] == 50, d
PY
check 0 "checking in twice exits 0" $m --json checkins in "$w" 110105198001010016 --at 2026-07-10T09:00
py "and says so, with the first arrival" "$dir/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["already"] is True and d["arrived_at"] == "2026-07-10 08:05", d
PY
check 3 "leaving before arriving" $m checkins out "$w" 110105198001010016 --at 2026-07-10T08:00
check 3 "more than 24 hours" $m checkins out "$w" 110105198001010016 --at 2026-07-11T09:00
check 3 "a code that is no member" $m checkins in "$w" 110105199001010012
check 0 "张三 checks out" $m --json checkins out "$w" 110105198001010016 --at 2026-07-10T11:35
py "three and a half hours" "$dir/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["hours"] == 3.5 and d["left_at"] == "2026-07-10 11:35", d
PY
check 0 "赵六 checks in, his ID number written with a lower-case x" $m checkins in "$w" 11010519491231002x --at 2026-07-10T09:00
check 0 "list" $m --json whistles list --status full
py "two of two: full" "$dir/out" "$w" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 1 and d[0]["id"] == sys.argv[2], d
assert d[0]["status"] == "full" and d[0]["needed"] == 2 and d[0]["reported"] == 2, d
assert d[0]["title"] == '防汛"值守"' and d[0]["category"] == "safety" and d[0]["place"] == "东区", d
PY

check 0 "close the whistle" $m whistles close "$w"
check 3 "closing twice" $m whistles close "$w"
check 3 "nobody checks in once it is closed" $m checkins in "$w" 110105198001010024
check 0 "cancel the other" $m whistles close "$gone" --cancel
check 3 "nor to a cancelled one" $m checkins in "$gone" 110105198001010024
check 1 "a whistle that does not exist" $m checkins in no-such-whistle 110105198001010024
check 2 "status filter of an unknown state" $m whistles list --status asleep

check 0 "the check-ins" $m --json checkins list "$w"
py "赵六 never checked out: counted to the end, flagged" "$dir/out" <<'PY'
import json, sys
rows = {r["name"]: r for r in json.load(open(sys.argv[1]))}
assert set(rows) == {"张三", "赵六"}, rows
z = rows["赵六"]
assert z["left_at"] is None and z["hours"] == 9.0 and z["flagged"] is True, z
assert rows["张三"]["flagged"] is False and rows["张三"]["id_number"] == "110105198001010016"
assert set(z) >= {"whistle_id", "member_id", "reported_at", "arrived_at", "left_at", "source",
                  "recorded_by", "confirmed", "note", "hours", "flagged", "id_number", "name"}, z
PY
check 0 "the secretary confirms 赵六 left at 12:00" $m checkins confirm "$w" 11010519491231002X --left 2026-07-10T12:00
check 0 "the year's hours" $m --json checkins hours --year 2026
py "a ranking with the target" "$dir/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert [r["name"] for r in d] == ["张三", "赵六", "李四"], d
assert d[0]["hours"] == 3.5 and d[1]["hours"] == 3.0 and d[2]["hours"] == 0, d
for r in d:
    assert set(r) == {"id_number", "name", "party_group", "hours", "target", "behind"}, r
    assert r["target"] == 50 and r["behind"] is True, r
PY
check 0 "a target of 3 hours, kept" $m --json checkins hours --year 2026 --target 3
check 0 "read again" $m --json checkins hours --year 2026
py "张三 and 赵六 are on target for the whole of 2026" "$dir/out" <<'PY'
import json, sys
d = {r["name"]: r for r in json.load(open(sys.argv[1]))}
assert d["张三"]["target"] == 3 and d["张三"]["behind"] is False, d
assert d["赵六"]["behind"] is False and d["李四"]["behind"] is True, d
PY
check 0 "the ranking as a spreadsheet" $m checkins hours --year 2026 --export "$dir/hours.csv"
py "a CSV for Excel: BOM, national headers, ID numbers as text" "$dir/hours.csv" <<'PY'
import csv, io, sys
raw = open(sys.argv[1], 'rb').read()
assert raw.startswith(b'\xef\xbb\xbf'), raw[:10]
rows = list(csv.reader(io.StringIO(raw.decode('utf-8-sig'))))
assert rows[0] == ['名次', '姓名', '公民身份证号', '党小组', '服务时长（小时）', '年度目标（小时）', '进度'], rows[0]
assert rows[1][:3] == ['1', '张三', '\t110105198001010016'] and rows[1][4] == '3.5', rows[1]
assert len(rows) == 4, rows
PY
check 0 "the ranking as a workbook" $m checkins hours --year 2026 --export "$dir/hours.xlsx"
# python3-openpyxl comes with the quick start; without it this check fails.
PYTHON=$(python_with openpyxl) py "openpyxl reads it: national headers, ID numbers as text, frozen header" \
  "$dir/hours.xlsx" <<'PY'
import sys
import openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
rows = [[c.value for c in row] for row in ws.iter_rows()]
assert rows[0][:3] == ['名次', '姓名', '公民身份证号'], rows[0]
assert rows[1][1] == '张三' and rows[1][2] == '110105198001010016', rows[1]
assert isinstance(rows[1][2], str) and rows[1][4] == '3.5', rows[1]
assert ws.freeze_panes == 'A2', ws.freeze_panes
PY
check 1 "a file that cannot be written" $m checkins hours --year 2026 --export "$dir/no/such/dir/hours.csv"
check 2 "a year that is none" $m checkins hours --year 20266

echo "1..$n"
[ "$failures" -eq 0 ]
