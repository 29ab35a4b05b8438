#!/bin/sh
# `e-vanguard-cli meetings …`: exit statuses, JSON keys and the rules of
# DOMAIN.md's 三会一课 as scripts see them.
. "$(dirname "$0")/cli-test-lib.sh"
db="$dir/m.db"
m="$cli --database $db"

printf '姓名,公民身份证号,人员类别,加入党组织日期,转为正式党员日期,党小组,党籍状态,现任党内职务\n' > "$dir/roster.csv"
printf '张三,110105198001010016,正式党员,2005-07-01,2006-07-01,第一党小组,正常,书记\n' >> "$dir/roster.csv"
printf '李四,110105198001010024,预备党员,2024-09-01,,第一党小组,正常,\n' >> "$dir/roster.csv"
printf '赵六,11010519491231002X,正式党员,1970-07-01,1971-07-01,第二党小组,留党察看,\n' >> "$dir/roster.csv"
printf '孙八,110105198201010029,正式党员,2005-07-01,2006-07-01,第二党小组,正常,\n' >> "$dir/roster.csv"
check 0 "a roster to meet with" $m members import "$dir/roster.csv"

check 0 "meetings --help lists the subcommands" $cli meetings --help
grep -q 'compliance' "$dir/out" || { echo "not ok - help"; failures=$((failures + 1)); }
check 2 "add without a type" $m meetings add --start 2026-03-05T14:30
check 2 "add of an unknown type" $m meetings add --type picnic --start 2026-03-05T14:30
check 3 "a meeting that ends before it starts" $m meetings add --type committee --start 2026-03-05T14:30 --end 2026-03-05T12:00
check 3 "a meeting held in the future" $m meetings add --type committee --start 2099-03-05T14:30 --status held
check 2 "a group meeting of an unknown group" $m meetings add --type 党小组会 --start 2026-03-05T19:00 --group 第九党小组
check 0 "nothing was written" $m --json info
py "no meeting stored" "$dir/out" <<'PY'
import json, sys
assert json.load(open(sys.argv[1]))["counts"].get("meeting", 0) == 0
PY

check 0 "add a held general meeting" $m --json meetings add --type general_meeting --start 2026-03-05T14:30 --end 2026-03-05T16:00 --title '支部党员大会，"年度"; 述职' --status held
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$dir/out")
check 0 "张三 present" $m meetings attend "$id" 110105198001010016 present
check 0 "李四 late, in Chinese" $m meetings attend "$id" 110105198001010024 迟到
check 0 "赵六 on leave" $m meetings attend "$id" 11010519491231002X leave --reason 病假 --approved-by 张三
check 2 "an unknown attendance" $m meetings attend "$id" 110105198201010029 asleep
check 1 "someone not on the roster" $m meetings attend "$id" 110105199001010012 present
check 3 "more votes than voting members present" $m meetings resolve "$id" --text 同意 --for 2
check 0 "one vote for, of two voting members due" $m meetings resolve "$id" --text 同意 --for 1 --against 0
check 0 "show" $m --json meetings show "$id"
py "quorum and resolutions" "$dir/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["title"] == '支部党员大会，"年度"; 述职', d["title"]
assert d["status"] == "held" and d["starts_at"] == "2026-03-05 14:30", d
# Due: all four; voting: 张三 and 孙八 (李四 is probationary, 赵六 under 留党察看).
assert (d["due"], d["present"], d["due_voting"], d["present_voting"]) == (4, 2, 2, 1), d
assert d["may_vote"] is False, d   # one of two is exactly half
assert d["resolutions"][0]["passed"] is False, d
assert {a["name"]: a["status"] for a in d["attendance"]} == {"张三": "present", "李四": "late", "赵六": "leave", "孙八": None}, d
PY
check 0 "孙八 present after all" $m meetings attend "$id" 110105198201010029 present
check 0 "show again" $m --json meetings show "$id"
py "now the meeting may vote" "$dir/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["may_vote"] is True and d["present_voting"] == 2, d
assert d["resolutions"][0]["passed"] is False, d   # 1 of 2 due is not more than half
PY

check 3 "sign without being held" $m meetings sign "$($m meetings add --type lecture --start 2026-03-20T09:00)" --chair 张三 --recorder 李四
check 0 "sign" $m meetings sign "$id" --chair 张三 --recorder 李四
check 3 "edit a signed record" $m meetings update "$id" --minutes 改写
check 3 "attendance of a signed record" $m meetings attend "$id" 110105198201010029 absent
check 3 "votes on a signed record" $m meetings resolve "$id" --text 再议 --for 1
check 0 "a correction" $m meetings correct "$id" --author 李四 --text '更正：孙八 15:00 到会'
check 0 "show the signed record" $m --json meetings show "$id"
py "signed, unchanged, corrected" "$dir/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "signed" and d["chair"] == "张三" and d["signed_at"], d
assert d["minutes"] is None, d
assert len(d["resolutions"]) == 1, d
assert d["addenda"][0]["text"] == "更正：孙八 15:00 到会", d
PY

check 0 "a group meeting" $m meetings add --type group_meeting --start 2026-02-10T19:00 --group 第二党小组 --status held
check 0 "list of February" $m --json meetings list --from 2026-02-01 --to 2026-02-28
py "one meeting in February, its group by id" "$dir/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 1 and d[0]["type"] == "group_meeting" and d[0]["party_group"], d
PY
check 2 "list with a bad date" $m meetings list --from 2026-13-01
check 0 "compliance" $m --json meetings compliance --year 2026 --today 2026-04-10
py "compliance periods" "$dir/out" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
def row(t, p, g=None):
    return [r for r in rows if r["type"] == t and r["period"] == p and r["group"] == g][0]
assert row("general_meeting", "2026-Q1")["status"] == "met"
assert row("general_meeting", "2026-Q2")["status"] == "open" and row("general_meeting", "2026-Q2")["days_left"] == 81
assert row("committee", "2026-03")["status"] == "missed"
assert row("group_meeting", "2026-02", "第二党小组")["status"] == "met"
assert row("group_meeting", "2026-02", "第一党小组")["status"] == "missed"
assert row("life_meeting", "2026")["period"] == "2026"
assert set(r["status"] for r in rows) <= {"met", "missed", "open"}
assert all(set(r) >= {"type", "group", "period", "required", "held", "status"} for r in rows)
PY
check 0 "archive 2026" $m meetings archive --year 2026
check 3 "an archived meeting takes no attendance" $m meetings attend "$($m --json meetings list --type group_meeting | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')" 11010519491231002X absent

echo "1..$n"
[ "$failures" -eq 0 ]
