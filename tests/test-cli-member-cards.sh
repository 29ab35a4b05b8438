#!/bin/sh
# `e-vanguard-cli members cards --pdf FILE [--group NAME]`: the sheet read
# back as a scanner and a person would read it.  poppler's pdftotext finds
# the names, the groups and the branch in Chinese; pdftoppm renders each
# card at 200 dpi and zbarimg decodes its QR code: the codes must be
# exactly the record ids of the current members, nothing more.
. "$(dirname "$0")/cli-test-lib.sh"
for tool in pdftotext pdftoppm pdfinfo zbarimg; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "# SKIP $tool is not installed (Debian: poppler-utils, zbar-tools)"
    exit 77
  fi
done
db="$dir/m.db"
m="$cli --database $db"

# Twelve current members in two party groups and none, so that the cards
# take two pages of ten, and two who left (transferred out, died).
py "a roster with members who left" "$dir/roster.csv" <<'PY'
import sys
rows = [
    ("张三", "第一党小组", ""), ("李四", "第一党小组", ""), ("王小明", "第一党小组", ""),
    ("欧阳娜娜", "第一党小组", ""), ("赵六", "第一党小组", "转出"),
    ("孙八", "第二党小组（社区网格员）", ""), ("周七", "第二党小组（社区网格员）", ""),
    ("吴九", "第二党小组（社区网格员）", ""), ("郑十", "第二党小组（社区网格员）", ""),
    ("阿依古丽·买买提", "第二党小组（社区网格员）", ""), ("冯十一", "第二党小组（社区网格员）", "去世"),
    ("陈十二", "", ""), ("褚十三", "", ""), ("卫十四", "", ""),
]
weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write("姓名,公民身份证号,人员类别,加入党组织日期,转为正式党员日期,党小组,减少方式,减少日期\n")
    for seq, (name, group, left) in enumerate(rows, 1):
        first17 = "11010519800101%03d" % seq
        check = "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]
        out.write("%s,%s%s,正式党员,2005-07-01,2006-07-01,%s,%s,%s\n"
                  % (name, first17, check, group, left, "2025-01-02" if left else ""))
PY
check 0 "import the roster" $m members import "$dir/roster.csv"
py "the branch's name" "$db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('branch_name', '幸福社区第一党支部')")
db.commit()
PY
check 0 "every member's id" $m --json members list --scope all
cp "$dir/out" "$dir/members.json"

# Decodes the QR code of each of the first N cards of a PDF, one a line,
# sorted.  Each card is rendered at 200 dpi on its own, where the sheet
# puts it (A4, two columns of five cards of 85.6 x 54 mm, centred): zbar
# finds every code of a card, but on a whole sheet of ten codes in a
# lattice it pairs up finder patterns of different codes and now and then
# misses one.  A scanner at the kiosk sees one card, too.
decode () {
  "${PYTHON:-python3}" - "$1" "$2" "$dir/card" <<'PY'
import subprocess, sys
pdf, count, stem = sys.argv[1], int(sys.argv[2]), sys.argv[3]
dpi = 200
px = dpi / 72
card_w, card_h = 85.6 / 25.4 * 72, 54 / 25.4 * 72
left, top = (595.276 - 2 * card_w) / 2, (841.890 - 5 * card_h) / 2
codes = []
for card in range(count):
    page, cell = divmod(card, 10)
    row, column = divmod(cell, 2)
    x, y = left + column * card_w, top + row * card_h
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page + 1), "-l", str(page + 1),
                    "-x", str(round(x * px)), "-y", str(round(y * px)),
                    "-W", str(round(card_w * px)), "-H", str(round(card_h * px)), pdf, stem], check=True)
    found = subprocess.run(["zbarimg", "--raw", "-q", stem + ".png"], capture_output=True, text=True).stdout.split()
    assert len(found) == 1, ("card %d: %r" % (card + 1, found))
    codes += found
print("\n".join(sorted(codes)))
PY
}

check 0 "cards for everyone" $m --json members cards --pdf "$dir/all.pdf"
py "twelve cards on two pages" "$dir/out" "$dir/all.pdf" <<'PY'
import json, sys
made = json.load(open(sys.argv[1]))
assert made == {"file": sys.argv[2], "cards": 12, "pages": 2}, made
PY
check 0 "pdfinfo" pdfinfo "$dir/all.pdf"
grep -q '^Pages: *2$' "$dir/out" || { echo "not ok - two pages: $(cat "$dir/out")"; failures=$((failures + 1)); }
grep -q '^Title: *幸福社区第一党支部 党员报到卡$' "$dir/out" || { echo "not ok - the title: $(cat "$dir/out")"; failures=$((failures + 1)); }
check 0 "pdftotext" pdftotext "$dir/all.pdf" "$dir/all.txt"
py "names, groups and the branch in Chinese; no card for those who left" "$dir/all.txt" <<'PY'
import sys
text = "".join(open(sys.argv[1], encoding="utf-8").read().split())
for name in ["张三", "李四", "王小明", "欧阳娜娜", "孙八", "周七", "吴九", "郑十", "陈十二", "褚十三", "卫十四"]:
    assert text.count(name) == 1, (name, text)
# A long name may wrap, so it is looked for without its line break.
assert "阿依古丽·买买提" in text, text
for gone in ["赵六", "冯十一"]:
    assert gone not in text, (gone, text)
assert text.count("第一党小组") == 4, text
assert text.count("第二党小组（社区网格员）") == 5, text
assert text.count("幸福社区第一党支部") == 12, text
assert text.count("党员报到卡") == 12, text
PY
check 0 "render the cards and decode their QR codes" decode "$dir/all.pdf" 12
py "the codes are the current members' ids and nothing else" "$dir/out" "$dir/members.json" <<'PY'
import json, sys
codes = open(sys.argv[1], encoding="utf-8").read().split()
members = json.load(open(sys.argv[2]))
current = sorted(m["id"] for m in members if m["left_reason"] is None)
former = [m["id"] for m in members if m["left_reason"] is not None]
assert len(current) == 12 and len(former) == 2, members
assert codes == current, (codes, current)
PY

check 0 "one party group's cards" $m members cards --pdf "$dir/group.pdf" --group 第一党小组
grep -q "Saved 4 member cards to $dir/group.pdf" "$dir/out" || { echo "not ok - says what it saved: $(cat "$dir/out")"; failures=$((failures + 1)); }
check 0 "pdftotext" pdftotext "$dir/group.pdf" "$dir/group.txt"
py "only that group's names" "$dir/group.txt" <<'PY'
import sys
text = "".join(open(sys.argv[1], encoding="utf-8").read().split())
for name in ["张三", "李四", "王小明", "欧阳娜娜"]:
    assert name in text, (name, text)
for other in ["赵六", "孙八", "周七", "陈十二", "第二党小组"]:
    assert other not in text, (other, text)
PY
check 0 "render that group's cards and decode their QR codes" decode "$dir/group.pdf" 4
py "only that group's current members' ids" "$dir/out" "$dir/members.json" <<'PY'
import json, sys
codes = open(sys.argv[1], encoding="utf-8").read().split()
members = json.load(open(sys.argv[2]))
want = sorted(m["id"] for m in members if m["party_group"] == "第一党小组" and m["left_reason"] is None)
assert len(want) == 4 and codes == want, (codes, want)
PY

# Mistakes and failures.
check 2 "no --pdf" $m members cards
check 2 "an argument" $m members cards extra --pdf "$dir/x.pdf"
check 2 "a party group that does not exist" $m members cards --pdf "$dir/x.pdf" --group 第九党小组
grep -q "第九党小组" "$dir/err" || { echo "not ok - the message names the group: $(cat "$dir/err")"; failures=$((failures + 1)); }
py "a group whose only member left" "$dir/roster2.csv" <<'PY'
import sys
open(sys.argv[1], "w", encoding="utf-8").write(
    "姓名,公民身份证号,人员类别,加入党组织日期,转为正式党员日期,党小组,减少方式,减少日期\n"
    "蒋十五,110105198001020011,正式党员,2005-07-01,2006-07-01,第三党小组,转出,2025-01-02\n")
PY
check 0 "import it" $m members import "$dir/roster2.csv"
check 1 "no current member in that group" $m members cards --pdf "$dir/x.pdf" --group 第三党小组
grep -q "第三党小组" "$dir/err" || { echo "not ok - the message names the group: $(cat "$dir/err")"; failures=$((failures + 1)); }
check 1 "a folder that does not exist" $m members cards --pdf "$dir/none/x.pdf"
grep -q "none/x.pdf.*No such file or directory" "$dir/err" || { echo "not ok - the message names the file: $(cat "$dir/err")"; failures=$((failures + 1)); }
py "no file made by the failures" "$dir" <<'PY'
import os, sys
assert not os.path.exists(os.path.join(sys.argv[1], "x.pdf"))
assert not [name for name in os.listdir(sys.argv[1]) if name.startswith(".")], os.listdir(sys.argv[1])
PY

echo "1..$n"
[ "$failures" -eq 0 ]
