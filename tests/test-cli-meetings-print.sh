#!/bin/sh
# `e-vanguard-cli meetings print ID --pdf FILE`: the record as it is
# printed, read back from the PDF with poppler's tools (pdftotext, pdfinfo,
# pdffonts), and the file that never appears half written.
. "$(dirname "$0")/cli-test-lib.sh"
for tool in pdftotext pdfinfo pdffonts; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "# SKIP $tool is not installed (Debian: poppler-utils)"
    exit 77
  fi
done
db="$dir/m.db"
m="$cli --database $db"

printf '姓名,公民身份证号,人员类别,加入党组织日期,转为正式党员日期,党小组,党籍状态\n' > "$dir/roster.csv"
printf '张三,110105198001010016,正式党员,2005-07-01,2006-07-01,第一党小组,正常\n' >> "$dir/roster.csv"
printf '李四,110105198001010024,预备党员,2024-09-01,,第一党小组,正常\n' >> "$dir/roster.csv"
printf '赵六,11010519491231002X,正式党员,1970-07-01,1971-07-01,第二党小组,留党察看\n' >> "$dir/roster.csv"
printf '孙八,110105198201010029,正式党员,2005-07-01,2006-07-01,第二党小组,正常\n' >> "$dir/roster.csv"
printf '周七,110105198301010034,正式党员,2010-07-01,2011-07-01,第二党小组,正常\n' >> "$dir/roster.csv"
check 0 "a roster to meet with" $m members import "$dir/roster.csv"
py "the branch's name" "$db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('branch_name', '幸福社区第一党支部')")
db.commit()
PY

# Some 5,000 characters of minutes in paragraphs, without a space, so that
# every one of them can be looked for in the text read back.
python3 - "$dir/minutes.txt" <<'PY'
import sys
words = "党员 学习 讨论 社区 服务 群众 工作 组织 生活 会议 发言 认真 落实 要求 精神 问题 整改 措施".split()
paragraphs, n, i = [], 0, 0
while n < 5000:
    text = "".join(words[(i * 7 + k * 5) % len(words)] for k in range(20 + i % 30)) + "。"
    paragraphs.append(text)
    n += len(text)
    i += 1
paragraphs[0] = "【记录开始】" + paragraphs[0]
paragraphs[-1] += "【记录结束】"
open(sys.argv[1], "w", encoding="utf-8").write("\n".join(paragraphs))
PY

check 0 "a held general meeting" $m --json meetings add --type general_meeting --start 2026-03-05T14:30 --end 2026-03-05T16:00 --title 2025年度民主评议党员 --place 社区党群服务中心 --status held
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$dir/out")
check 0 "its agenda, minutes, chair, recorder and observers" $m meetings update "$id" \
  --agenda "$(printf '传达上级精神\n审议年度工作报告')" --minutes "$(cat "$dir/minutes.txt")" \
  --chair 张三 --recorder 李四 --observers '王五（社区居委会）'
check 0 "张三 present" $m meetings attend "$id" 110105198001010016 present
check 0 "李四 late" $m meetings attend "$id" 110105198001010024 late
check 0 "赵六 on leave" $m meetings attend "$id" 11010519491231002X leave --reason 病假 --approved-by 张三
check 0 "孙八 present" $m meetings attend "$id" 110105198201010029 present
check 0 "周七 absent" $m meetings attend "$id" 110105198301010034 absent --reason 出差
# Voting members due: 张三, 孙八 and 周七; present: 张三 and 孙八.
check 0 "a resolution that passes" $m meetings resolve "$id" --text 同意年度工作报告 --for 2 --against 0 --abstain 0
check 0 "one that does not" $m meetings resolve "$id" --text 增补委员 --for 1 --against 1

check 0 "print before signing" $m --json meetings print "$id" --pdf "$dir/unsigned.pdf"
py "the file and its pages" "$dir/out" "$dir/unsigned.pdf" <<'PY'
import json, sys
printed = json.load(open(sys.argv[1]))
assert printed["file"] == sys.argv[2] and printed["pages"] >= 3, printed
PY
check 0 "pdftotext" pdftotext -layout "$dir/unsigned.pdf" "$dir/unsigned.txt"
py "blank signature lines" "$dir/unsigned.txt" <<'PY'
import sys
text = "".join(open(sys.argv[1], encoding="utf-8").read().split())
assert text.count("日期：年月日") == 2, text[-300:]
assert "主持人（签字）：记录人（签字）：" in text, text[-300:]
PY

check 0 "sign" $m meetings sign "$id" --chair 张三 --recorder 李四
check 0 "a correction" $m meetings correct "$id" --author 李四 --text '更正：孙八 15:00 到会'
check 0 "print the signed record" $m --json meetings print "$id" --pdf "$dir/record.pdf"
pages=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pages"])' "$dir/out")
check 0 "pdftotext" pdftotext -layout "$dir/record.pdf" "$dir/record.txt"
check 0 "pdfinfo" pdfinfo "$dir/record.pdf"
cp "$dir/out" "$dir/info.txt"
py "header, attendance, resolutions, signatures and the correction" "$dir/record.txt" <<'PY'
import re, sys
raw = open(sys.argv[1], encoding="utf-8").read()
text = "".join(raw.split())
for want in ["幸福社区第一党支部支部党员大会会议记录",
             "会议主题2025年度民主评议党员",
             "时间2026年3月5日14:30—16:00地点社区党群服务中心",
             "主持人张三记录人李四",
             "应到5人实到3人",
             "出席人员张三、李四（迟到）、孙八",
             "缺席2人：周七（缺席，出差）、赵六（请假，病假，准假人：张三）",
             "列席王五（社区居委会）",
             "一、会议议题1.传达上级精神2.审议年度工作报告",
             "二、会议内容",
             "三、决议及表决情况",
             "有表决权的党员应到3人，实到2人",
             "1.同意年度工作报告表决结果：赞成2票，反对0票，弃权0票；通过。",
             "2.增补委员表决结果：赞成1票，反对1票；未通过。",
             "补正记录",
             "更正：孙八15:00到会"]:
    assert want in text, (want, text[:300], text[-300:])
signed = re.findall(r"主持人（签字）：张三记录人（签字）：李四日期：(\d{4})年(\d{1,2})月(\d{1,2})日日期：\1年\2月\3日", text)
assert len(signed) == 1, text
# The correction comes after the signatures, dated, with its author.
assert re.search(r"日期：[^补]*补正记录1\.\d{4}年\d{1,2}月\d{1,2}日，李四：更正", text), text
PY
py "the minutes whole, over several pages, each numbered" "$dir/record.pdf" "$dir/minutes.txt" "$dir/info.txt" "$pages" <<'PY'
import re, subprocess, sys
pdf, minutes, info, pages = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
assert pages >= 3, pages
assert re.search(r"^Pages:\s+%d$" % pages, open(info).read(), re.M), open(info).read()
texts = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
texts = ["".join(t.split()) for t in texts.split("\f")]
texts = [t for t in texts if t]
assert len(texts) == pages, (len(texts), pages)
for number, text in enumerate(texts, 1):
    footer = "第%d页共%d页" % (number, pages)
    assert text.endswith(footer) or footer in text, (number, text[-40:])
assert "【记录开始】" in texts[0] and "【记录结束】" not in texts[0]
assert "【记录结束】" in texts[-1] or "【记录结束】" in texts[-2]
# Every character of the minutes, in order, with nothing lost at the page breaks.
body = re.sub(r"第\d+页共\d+页", "", "".join(texts))
want = "".join(open(minutes, encoding="utf-8").read().split())
assert want in body, "the minutes are not whole"
PY
check 0 "pdffonts" pdffonts "$dir/record.pdf"
py "every font embedded, a Chinese one among them" "$dir/out" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()[2:]
assert lines, "no fonts"
for line in lines:
    fields = line.split()
    # name type… encoding emb sub uni object generation
    assert fields[-5] == "yes", line
assert any("CJK" in line or "WenQuanYi" in line or "WQY" in line for line in lines), lines
PY

# Failures: a meeting that is not there, a file that cannot be written.
mkdir "$dir/empty"
check 1 "an unknown meeting" $m meetings print 01a00000-0000-7000-8000-000000000000 --pdf "$dir/empty/x.pdf"
check 2 "no --pdf" $m meetings print "$id"
check 2 "no id" $m meetings print --pdf "$dir/empty/x.pdf"
: > "$dir/empty/file"
check 1 "a folder that is a file" $m meetings print "$id" --pdf "$dir/empty/file/x.pdf"
grep -q "empty/file/x.pdf.*Not a directory" "$dir/err" || { echo "not ok - the message names the file and why: $(cat "$dir/err")"; failures=$((failures + 1)); }
check 1 "a folder that does not exist" $m meetings print "$id" --pdf "$dir/empty/none/x.pdf"
grep -q "empty/none/x.pdf.*No such file or directory" "$dir/err" || { echo "not ok - the message names the missing folder: $(cat "$dir/err")"; failures=$((failures + 1)); }
check 1 "a folder in the place of the file" $m meetings print "$id" --pdf "$dir/empty"
py "nothing left behind" "$dir/empty" "$dir" <<'PY'
import os, sys
assert os.listdir(sys.argv[1]) == ["file"], os.listdir(sys.argv[1])
assert not [name for name in os.listdir(sys.argv[2]) if name.startswith(".")], os.listdir(sys.argv[2])
PY
echo 'an older file' > "$dir/empty/old.pdf"
check 0 "an older file is replaced" $m meetings print "$id" --pdf "$dir/empty/old.pdf"
check 0 "with a whole PDF" pdfinfo "$dir/empty/old.pdf"
py "and nothing else" "$dir/empty" <<'PY'
import os, sys
assert sorted(os.listdir(sys.argv[1])) == ["file", "old.pdf"], os.listdir(sys.argv[1])
PY

echo "1..$n"
[ "$failures" -eq 0 ]
