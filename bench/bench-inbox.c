/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 留言板's figures (issue #15) with one million messages and five million
 * events over eight years (2019-01 to 2026-12):
 *   - the inbox opens (nothing to the first frame with rows) within 1.3×
 *     of the same window over a GtkStringList of as many strings, measured
 *     in the same run, alternating
 *   - a keystroke in the search box to the updated list model: p95 ≤ 5 ms
 *   - a month's three rates ≤ 20 ms, twelve months' ≤ 100 ms
 * The messages and events are written straight into their tables, in
 * the order they would have been recorded, with the search table's
 * triggers doing their part; prints one JSON object.
 *
 *   bench-inbox [N_MESSAGES]         fill (or reuse), measure, print JSON
 *   bench-inbox --open-inbox DB      (internal) one timed start of the inbox window
 *   bench-inbox --open-strings N     (internal) one timed start of the anchor window
 *
 * EVG_BENCH_KEEP=DIR keeps the filled database (about 3 GB, three to
 * four minutes to fill on this machine) in DIR and uses it again next
 * time. */
#include "config.h"

#include <adwaita.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "evg-bench-frame.h"
#include "evg-bench-members.h"
#include "evg-feedback-list.h"
#include "evg-hlc.h"
#include "evg-inbox.h"
#include "evg-pinyin.h"
#include "evg-store-private.h"
#include "evg-txn.h"

#define N_MESSAGES  1000000
#define EVENTS_PER_MESSAGE 5
#define FIRST_DAY   "2019-01-01 00:00"
#define N_DAYS      2922            /* 2019-01-01 to 2026-12-31 */
#define N_OPEN_RUNS 5

/* What the residents write, built from parts: an opening, where, the
 * problem (by category), how long, what it does to them, details, what
 * they ask for and a closing. */

typedef struct
{
  const char *code;
  const char *label;
  guint       weight;
  const char * const *problems;
} Category;

static const char * const sanitation_problems[] = {
  "垃圾桶满了没人清运", "垃圾分类驿站周边堆满了装修垃圾", "楼道里堆放杂物，散发异味",
  "绿化带里有大量烟头和塑料袋", "公共厕所卫生状况很差，没有保洁", "化粪池外溢，污水流到路面上",
  "有人在楼下焚烧落叶", "老鼠和蟑螂特别多", "小广告贴满了单元门", "餐馆油烟直排，味道很大",
  "宠物粪便没人清理", "雨水篦子堵塞，下雨就积水", "废品回收点占道堆放", "落叶堆积没人清扫",
  "厨余垃圾桶破损漏液", NULL,
};

static const char * const property_problems[] = {
  "电梯经常故障停运", "电梯里困过人，物业迟迟不来处理", "楼道灯坏了很久没人修",
  "单元门禁坏了，陌生人随便进出", "物业费上涨没有公示", "地下室渗水严重",
  "楼顶防水层老化，顶层住户家里漏雨", "暖气不热，室温只有十几度", "自来水发黄，有异味",
  "二次供水水箱多年没有清洗", "物业保安经常不在岗", "消防通道被物业出租做停车位",
  "小区监控大部分是坏的", "外墙保温层脱落", "物业不公开公共收益账目", "车库出入口道闸坏了", NULL,
};

static const char * const facilities_problems[] = {
  "路灯不亮", "人行道地砖松动，下雨天踩上去溅一身水", "井盖缺失，很危险", "健身器材损坏，有安全隐患",
  "公交站台的座椅坏了", "路面坑洼不平", "下水道堵塞返味", "无障碍坡道被占用", "公园里的公厕关闭了",
  "路边树木歪斜快要倒了", "消火栓漏水", "过街天桥的电梯停用", "小区里没有电动自行车充电桩",
  "自行车棚顶棚破损", NULL,
};

static const char * const traffic_problems[] = {
  "机动车乱停乱放，堵住了消防通道", "共享单车堆满了人行道", "路口红绿灯时间太短，老人过不去马路",
  "学校门口上下学时段拥堵严重", "僵尸车长期占用车位", "外来车辆随意进出小区占用车位",
  "路边违规设置地锁", "电动车在楼道里充电", "货车夜间鸣笛", "道路施工围挡占道，没有提示牌",
  "停车收费标准不清楚", "公交线路调整后出行很不方便", NULL,
};

static const char * const safety_problems[] = {
  "有人在小区里推销保健品，骗老人的钱", "楼道里堆放电动车电池，存在火灾隐患", "夜里有人撬电动车",
  "出租屋里住了很多人，进出人员复杂", "高空抛物，差点砸到人", "流浪狗咬人", "燃气管道有异味",
  "施工现场没有围挡", "有人在绿地里私搭乱建", "窗户防护栏松动", NULL,
};

static const char * const neighbours_problems[] = {
  "楼上住户晚上噪音很大，严重影响休息", "邻居在公共区域私自搭建", "邻居养狗不拴绳",
  "楼上漏水到我家，协商不成", "广场舞音响声音太大", "邻居占用楼道放鞋柜", "邻居装修超时施工",
  "楼下烧烤店半夜喧哗", "邻居在楼顶养鸽子", "邻居空调外机正对我家窗户", NULL,
};

static const char * const welfare_problems[] = {
  "想咨询高龄津贴怎么申领", "低保复核材料不知道交到哪里", "老人想办理助餐卡", "残疾人补贴一直没有到账",
  "想了解居家养老服务怎么申请", "孩子入学需要开居住证明", "独居老人没人照看，希望社区定期探访",
  "失业登记需要什么材料", "医保报销流程不清楚", "想申请公租房，不知道条件",
  "退休人员社会化管理的手续怎么办", NULL,
};

static const char * const other_problems[] = {
  "建议社区多组织一些文化活动", "希望增设便民理发点", "快递柜太少，取件要排队", "建议在小区里增加休息座椅",
  "菜市场拆了以后买菜不方便", "社区服务站周末不开门", "希望开设老年人智能手机培训", "建议设立社区图书角",
  "网格员电话打不通", NULL,
};

static const Category categories[] = {
  { "sanitation", "环境卫生", 18, sanitation_problems },
  { "property", "物业管理", 22, property_problems },
  { "facilities", "市政设施", 15, facilities_problems },
  { "traffic", "交通出行", 14, traffic_problems },
  { "safety", "治安安全", 7, safety_problems },
  { "neighbours", "邻里纠纷", 10, neighbours_problems },
  { "welfare", "社会保障", 8, welfare_problems },
  { "other", "其他", 6, other_problems },
};

static const char * const openings[] = {
  "您好，", "你好，", "", "", "", "我是这里的老住户，", "反映一个问题：", "麻烦问一下，", "社区领导好，",
  "我是{c}的居民，",
};

static const char * const spots[] = {
  "小区东门", "南门口", "地下车库", "{b}号楼北侧", "{b}号楼{u}单元", "健身广场", "垃圾分类驿站旁",
  "自行车棚", "幼儿园门口", "菜市场附近", "社区卫生服务站对面", "公交站旁边", "物业办公室楼下",
  "楼道里", "我家楼下", "", "",
};

static const char * const durations[] = {
  "已经一个多星期了", "持续半个多月了", "快两个月了", "反映过好几次都没解决", "今年以来一直这样",
  "昨天晚上开始的", "这个问题存在好几年了", "最近一段时间",
};

static const char * const impacts[] = {
  "严重影响居民的正常生活", "老人孩子出行很不安全", "晚上根本睡不着觉", "气味很大，窗户都不敢开",
  "给大家带来很大不便", "存在很大的安全隐患", "居民意见很大", "下雨天更严重",
};

static const char * const details[] = {
  "物业说不归他们管", "打过物业电话没人接", "之前也反映过，答复说已经处理，但没有效果", "周围邻居都有意见",
  "拍了照片可以提供", "家里有八十多岁的老人", "孩子要上网课", "晚上十点以后尤其明显",
  "白天上班没法等人上门，最好晚上联系", "这种情况不止一处", "已经有人摔倒过了", "楼里好多户都受影响",
};

static const char * const requests[] = {
  "希望社区尽快协调解决", "请有关部门尽快处理", "麻烦派人来看一下", "希望给个答复", "请督促物业尽快维修",
  "希望能加强管理", "请帮忙协调一下", "望尽快落实",
};

static const char * const closings[] = {
  "谢谢！", "辛苦了。", "", "", "盼复。", "麻烦了，谢谢。",
};

static const char * const communities[] = {
  "和平里", "安华里", "交道口", "东四", "北新桥", "朝阳门", "建国门", "东直门", "景山", "东华门",
  "天坛", "体育馆路", "龙潭", "永定门外", "崇文门外", "前门", "安定门", "青年湖", "地坛", "光明楼",
  "幸福大街", "花市", "广渠门", "新中街", "胡家园", "府学胡同", "南锣鼓巷", "钱粮胡同", "香河园", "左家庄",
};

static const char * const streets[] = {
  "东四北大街", "安定门内大街", "和平里中街", "交道口南大街", "朝阳门北小街", "东直门南大街",
  "崇文门外大街", "幸福大街", "光明路", "龙潭路", "地坛北里", "北新桥三条",
};

static const char * const replies[] = {
  "您好，您反映的问题已转物业公司处理，维修人员已上门修复，感谢您对社区工作的支持。",
  "您好，经现场核实，问题属实，已协调相关单位整改完毕。如仍有问题请随时联系社区。",
  "您好，已联系城管部门清理，今后将加强巡查。",
  "您好，您咨询的事项需携带户口簿、身份证到社区服务站办理，工作日上午九点至下午五点。",
  "您好，经与双方沟通，已达成一致意见，社区将持续关注。",
  "您好，该问题涉及多个部门，已通过吹哨报到协调解决，具体进展请关注社区公告。",
  "您好，已督促物业制定维修方案，预计两周内完成施工。",
  "您好，已安排网格员每周上门探访，并为老人登记了助餐服务。",
};

static const char * const notes[] = {
  "已转物业经理，约定明天上午现场查看。", "需街道城管科配合，已电话沟通。", "同一问题本月第三次反映，列入重点跟踪。",
  "留言人要求匿名处理。", "已拍照存档。", "物业答复材料已到货，等待施工。", "已上报街道，等待批复。",
  "现场查看后确认需要专业维修。",
};

static const char * const contacts[] = {
  "已电话联系留言人，了解具体情况。", "已联系留言人，约定上门查看时间。", "网格员已上门核实。", NULL,
};

static const char * const waits[] = {
  "留言人外出，待其返回后上门核实。", "需留言人补充材料。",
};

static const char * const reopen_reasons[] = {
  "留言人反映问题再次出现。", "留言人对处理结果有异议，要求重新办理。",
};

static const char * const exclusions[] = {
  "非本辖区事项，已告知留言人向所属社区反映。", "重复来电，已合并处理。", "咨询类事项，当场解答。",
};

/* The committee members who handle the messages. */
static const char * const handlers[] = {
  "张伟", "李静", "王芳", "刘洋", "陈军", "杨丽", "赵磊", "周敏",
};

typedef enum
{
  K_ASSIGNED,
  K_CONTACTED,
  K_WAITING,
  K_RESUMED,
  K_NOTE,
  K_REPLY,
  K_CALLBACK,
  K_CLOSED,
  K_REOPENED,
  K_EXCLUDED,
  K_MERGED,
} Kind;

static const char * const kind_codes[] = {
  "assigned", "contacted", "waiting", "resumed", "note", "reply", "callback", "closed", "reopened",
  "excluded", "merged",
};

/* The status each kind moves its message to (evg-inbox.c's steps), as a
 * rank; 0 for none. */
static const guint8 kind_ranks[] = { 1, 2, 2, 2, 0, 3, 0, 4, 0, 0, 0 };

static const char * const answers[] = { "yes", "partly", "no" };
static const char * const satisfactions[] = { "yes", "basically", "no" };

/* An event not yet written: events are written on their own day, in
 * time order, as the app would have recorded them. */
typedef struct
{
  gint32  at;         /* minutes, evg_parse_minute() */
  guint32 message;
  guint32 seq;        /* keeps the order they were made in, within a minute */
  guint8  kind;
  guint8  resolved;
  guint8  satisfied;
  guint8  variant;    /* which text; for assigned, which handler */
  guint32 other;      /* merged: the message it went into */
} Pending;

/* A recent message, for its duplicates to copy. */
typedef struct
{
  guint32 index;
  guint8  category;
  guint8  problem;
  gboolean merged;
  char    place[96];
} Recent;

#define N_RECENT 512

typedef struct
{
  sqlite3      *db;
  GRand        *rand;
  gint64        day0;
  gint64        last_minute;
  gint64        cutoff;             /* no event of this message after it */
  char        (*ids)[37];           /* every message's id, by index */
  GArray       *days[N_DAYS];       /* of Pending, by day */
  guint32       seq;
  guint64       n_events;
  Recent        recent[N_RECENT];
  char          assignees[G_N_ELEMENTS (handlers)][37];
  sqlite3_stmt *insert_message;
  sqlite3_stmt *insert_event;
} Fill;

/* A resident's message as it is written. */
typedef struct
{
  guint32  index;
  gint32   received;
  guint8   channel;
  guint8   category;
  gboolean merged;
  char    *from_name;
  char    *contact;
  char    *content;
  char    *place;
  const char *status;
  const char *assignee;
  const char *merged_into;
  char     hlc[EVG_HLC_TEXT_LEN + 1];
  char    *field_hlc;
} Message;

static void
exec (sqlite3    *db,
      const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static gint64
count (sqlite3    *db,
       const char *sql)
{
  sqlite3_stmt *stmt;
  gint64 n = 0;

  sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static const char *
pick (GRand              *rand,
      const char * const *strings,
      guint               n)
{
  return strings[g_rand_int_range (rand, 0, (gint32) n)];
}

#define PICK(rand, array) pick ((rand), (array), G_N_ELEMENTS (array))

static guint
n_problems (const Category *category)
{
  guint n = 0;

  while (category->problems[n] != NULL)
    n++;
  return n;
}

/* Milliseconds since the epoch (UTC) of a minute of Beijing time. */
static gint64
minute_to_ms (gint64 minute)
{
  return (minute - 8 * 60) * 60000;
}

/* A time-ordered id of the form the store makes (UUID version 7), at @ms. */
static void
make_id (GRand  *rand,
         gint64  ms,
         char    out[37])
{
  guint32 r1 = g_rand_int (rand), r2 = g_rand_int (rand), r3 = g_rand_int (rand);

  evg_uuid7_format ((guint64) ms, r3 & 0xfff, r1, r2, out);
}

static void
format_hlc (gint64 minute,
            guint  counter,
            char   out[EVG_HLC_TEXT_LEN + 1])
{
  evg_hlc_format (evg_hlc_pack (minute_to_ms (minute), counter), out);
}

static void
append_place (GRand   *rand,
              GString *out)
{
  int kind = g_rand_int_range (rand, 0, 10);

  if (kind < 7)
    g_string_append_printf (out, "%s小区%d号楼%d单元", PICK (rand, communities),
                            g_rand_int_range (rand, 1, 37), g_rand_int_range (rand, 1, 7));
  else if (kind < 9)
    g_string_append_printf (out, "%s%d号", PICK (rand, streets), g_rand_int_range (rand, 1, 300));
  else
    g_string_append_printf (out, "%s与%s交叉口", PICK (rand, streets), PICK (rand, streets));
}

/* Copies @pattern to @out with {b}, {u} and {c} filled in. */
static void
append_pattern (GRand      *rand,
                GString    *out,
                const char *pattern)
{
  for (const char *p = pattern; *p != '\0'; p++)
    {
      if (p[0] == '{' && p[1] != '\0' && p[2] == '}')
        {
          if (p[1] == 'b')
            g_string_append_printf (out, "%d", g_rand_int_range (rand, 1, 37));
          else if (p[1] == 'u')
            g_string_append_printf (out, "%d", g_rand_int_range (rand, 1, 7));
          else
            g_string_append_printf (out, "%s小区", PICK (rand, communities));
          p += 2;
          continue;
        }
      g_string_append_c (out, *p);
    }
}

static char *
make_content (GRand          *rand,
              const Category *category,
              guint           problem)
{
  GString *text = g_string_new (NULL);
  int n_details = g_rand_int_range (rand, 0, 4);

  append_pattern (rand, text, PICK (rand, openings));
  append_pattern (rand, text, PICK (rand, spots));
  g_string_append (text, category->problems[problem]);
  if (g_rand_int_range (rand, 0, 3) > 0)
    g_string_append_printf (text, "，%s", PICK (rand, durations));
  if (g_rand_boolean (rand))
    g_string_append_printf (text, "，%s", PICK (rand, impacts));
  g_string_append (text, "。");
  for (int i = 0; i < n_details; i++)
    g_string_append_printf (text, "%s%s", PICK (rand, details), i + 1 < n_details ? "，" : "。");
  if (g_rand_int_range (rand, 0, 4) > 0)
    g_string_append_printf (text, "%s。", PICK (rand, requests));
  g_string_append (text, PICK (rand, closings));
  return g_string_free (text, FALSE);
}

static char *
make_name (GRand *rand)
{
  GString *name = g_string_new (PICK (rand, evg_bench_surnames));

  g_string_append (name, PICK (rand, evg_bench_given));
  if (g_rand_boolean (rand))
    g_string_append (name, PICK (rand, evg_bench_given));
  return g_string_free (name, FALSE);
}

static guint
pick_category (GRand *rand)
{
  guint total = 0, r;

  for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
    total += categories[i].weight;
  r = (guint) g_rand_int_range (rand, 0, (gint32) total);
  for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
    {
      if (r < categories[i].weight)
        return i;
      r -= categories[i].weight;
    }
  return 0;
}

/* What is known of a message's handling as its events are made. */
typedef struct
{
  guint32 index;
  guint   n_kept;
  guint8  rank;
  gint32  changed;      /* the latest event that changed the message */
  gint32  status_at;
  gint32  assigned_at;
  gint32  merged_at;
  guint8  handler;
} Story;

/* Records a future event of the message being made, unless it falls
 * after the last minute of the fill; returns it, to fill in the rest. */
static Pending *
add_event (Fill   *fill,
           Story  *story,
           gint64  at,
           Kind    kind,
           guint8  variant)
{
  Pending event = { 0 };
  gint64 day = (at - fill->day0) / 1440;
  GArray *events;

  if (at > fill->cutoff || day < 0 || day >= N_DAYS)
    return NULL;
  event.at = (gint32) at;
  event.message = story->index;
  event.seq = fill->seq++;
  event.kind = kind;
  event.variant = variant;
  if (kind_ranks[kind] > story->rank)
    {
      story->rank = kind_ranks[kind];
      story->status_at = (gint32) at;
    }
  if (kind == K_ASSIGNED)
    story->assigned_at = (gint32) at;
  if (kind == K_MERGED)
    story->merged_at = (gint32) at;
  if (kind_ranks[kind] > 0 || kind == K_ASSIGNED || kind == K_MERGED)
    story->changed = MAX (story->changed, (gint32) at);
  events = fill->days[day];
  g_array_append_val (events, event);
  story->n_kept++;
  return &g_array_index (events, Pending, events->len - 1);
}

/* The resident's answers to a callback: mostly content when resolved. */
static void
set_answers (GRand   *rand,
             Pending *callback)
{
  int r = g_rand_int_range (rand, 0, 100), s = g_rand_int_range (rand, 0, 100);

  callback->resolved = r < 80 ? 0 : r < 92 ? 1 : 2;
  if (callback->resolved == 0)
    callback->satisfied = s < 88 ? 0 : s < 98 ? 1 : 2;
  else if (callback->resolved == 1)
    callback->satisfied = s < 30 ? 0 : s < 80 ? 1 : 2;
  else
    callback->satisfied = s < 10 ? 0 : s < 40 ? 1 : 2;
}

/* One round of handling: from the response to the conclusion.  Returns
 * the time it ended, or -1 when the fill ends before it does. */
static gint64
handle (Fill   *fill,
        Story  *story,
        gint64  from,
        guint   n_notes,
        gboolean late)
{
  GRand *rand = fill->rand;
  gint64 t = from, reply_at, close_at;

  /* The response: a call to the resident, or straight away a reply. */
  t += late ? g_rand_int_range (rand, 25 * 60, 72 * 60) : g_rand_int_range (rand, 20, 20 * 60);
  if (g_rand_int_range (rand, 0, 100) < 75)
    {
      add_event (fill, story, t, K_CONTACTED, (guint8) g_rand_int_range (rand, 0, G_N_ELEMENTS (contacts)));
      if (g_rand_int_range (rand, 0, 100) < 6)
        {
          t += g_rand_int_range (rand, 60, 600);
          add_event (fill, story, t, K_WAITING, (guint8) g_rand_int_range (rand, 0, G_N_ELEMENTS (waits)));
          t += g_rand_int_range (rand, 1440, 6 * 1440);
          add_event (fill, story, t, K_RESUMED, 0);
        }
      reply_at = t + g_rand_int_range (rand, 120, 5 * 1440);
    }
  else
    reply_at = t;
  for (guint i = 0; i < n_notes; i++)
    add_event (fill, story, from + g_rand_int_range (rand, 30, (gint32) MAX (60, reply_at - from)),
               K_NOTE, (guint8) g_rand_int_range (rand, 0, G_N_ELEMENTS (notes)));
  if (!add_event (fill, story, reply_at, K_REPLY, (guint8) g_rand_int_range (rand, 0, G_N_ELEMENTS (replies))))
    return -1;
  close_at = reply_at;
  if (g_rand_int_range (rand, 0, 100) < 92)
    {
      gint64 at = reply_at + g_rand_int_range (rand, 600, 3 * 1440);
      Pending *callback = add_event (fill, story, at, K_CALLBACK, 0);

      if (callback != NULL)
        set_answers (rand, callback);
      close_at = at;
    }
  close_at += g_rand_int_range (rand, 10, 1440);
  if (!add_event (fill, story, close_at, K_CLOSED, 0))
    return -1;
  return close_at;
}

/* Makes message @index received at @received, and its events. */
static void
make_message (Fill    *fill,
              guint32  index,
              gint64   received,
              Message *m)
{
  GRand *rand = fill->rand;
  Recent *recent = &fill->recent[index % N_RECENT];
  Story story = { index, 0, 0, (gint32) received, (gint32) received, -1, -1, 0 };
  g_autoptr(GString) place = g_string_new (NULL);
  g_autoptr(GString) field_hlc = g_string_new (NULL);
  char created[EVG_HLC_TEXT_LEN + 1], hlc[EVG_HLC_TEXT_LEN + 1];
  guint32 main_index = 0;
  guint problem = 0;
  int r;
  guint base, n_notes;
  gint64 target, want;

  memset (m, 0, sizeof *m);
  m->index = index;
  m->received = (gint32) received;
  r = g_rand_int_range (rand, 0, 100);
  m->channel = r < 35 ? 3 : r < 60 ? 1 : r < 80 ? 2 : r < 95 ? 0 : 4;

  /* One in seventy is a duplicate of a recent message: the same problem
   * at the same place, told in other words. */
  if (index > N_RECENT && g_rand_int_range (rand, 0, 70) == 0)
    {
      const Recent *main = &fill->recent[(index - 1 - (guint) g_rand_int_range (rand, 0, 300)) % N_RECENT];

      if (!main->merged)
        {
          m->merged = TRUE;
          m->category = main->category;
          problem = main->problem;
          g_string_assign (place, main->place);
          m->merged_into = fill->ids[main->index];
          main_index = main->index;
        }
    }
  if (!m->merged)
    {
      m->category = (guint8) pick_category (rand);
      problem = (guint) g_rand_int_range (rand, 0, (gint32) n_problems (&categories[m->category]));
      append_place (rand, place);
    }
  m->content = make_content (rand, &categories[m->category], problem);
  m->place = g_strdup (place->str);
  if (g_rand_int_range (rand, 0, 10) > 0)
    m->from_name = make_name (rand);
  if (g_rand_int_range (rand, 0, 100) < 85)
    m->contact = g_strdup_printf ("1%d%09d", g_rand_int_range (rand, 3, 10), g_rand_int_range (rand, 0, 1000000000));

  recent->index = index;
  recent->category = m->category;
  recent->problem = (guint8) problem;
  recent->merged = m->merged;
  g_strlcpy (recent->place, place->str, sizeof recent->place);

  /* What was done with it.  About five events a message on the whole:
   * the notes take up what the other events leave. */
  target = (gint64) (index + 1) * EVENTS_PER_MESSAGE;
  if (m->merged)
    {
      gint64 at = received + g_rand_int_range (rand, 30, 300);
      Pending *merged = add_event (fill, &story, at, K_MERGED, 0);

      if (merged != NULL)
        merged->other = main_index;
      at += g_rand_int_range (rand, 1440, 5 * 1440);
      if (add_event (fill, &story, at, K_REPLY, (guint8) g_rand_int_range (rand, 0, G_N_ELEMENTS (replies))))
        add_event (fill, &story, at, K_CLOSED, 0);
    }
  else
    {
      gint64 end;

      /* In the last three months, a few are stuck half-way: the open
       * and overdue messages the page marks. */
      if (received > fill->last_minute - 90 * 1440 && g_rand_int_range (rand, 0, 100) < 3)
        fill->cutoff = received + g_rand_int_range (rand, 0, 4 * 1440);
      story.handler = (guint8) g_rand_int_range (rand, 0, G_N_ELEMENTS (handlers));
      if (g_rand_int_range (rand, 0, 100) < 40)
        add_event (fill, &story, received + g_rand_int_range (rand, 5, 180), K_ASSIGNED, story.handler);
      if (g_rand_int_range (rand, 0, 200) == 0)
        add_event (fill, &story, received + g_rand_int_range (rand, 60, 2880), K_EXCLUDED,
                   (guint8) g_rand_int_range (rand, 0, G_N_ELEMENTS (exclusions)));
      base = story.n_kept + 4;
      want = target - (gint64) fill->n_events - (gint64) base + g_rand_int_range (rand, -1, 2);
      n_notes = (guint) CLAMP (want, 0, 3);
      end = handle (fill, &story, received, n_notes, g_rand_int_range (rand, 0, 100) < 12);
      /* One in a hundred is raised again by the resident, then handled
       * again. */
      if (end >= 0 && g_rand_int_range (rand, 0, 100) == 0)
        {
          gint64 at = end + g_rand_int_range (rand, 3 * 1440, 20 * 1440);

          if (add_event (fill, &story, at, K_REOPENED, (guint8) g_rand_int_range (rand, 0, G_N_ELEMENTS (reopen_reasons))))
            handle (fill, &story, at, 0, FALSE);
        }
    }
  fill->n_events += story.n_kept;
  fill->cutoff = fill->last_minute;

  m->status = story.rank == 0 ? "new" : story.rank == 1 ? "assigned" : story.rank == 2 ? "in_progress"
              : story.rank == 3 ? "replied" : "closed";
  if (story.assigned_at >= 0)
    m->assignee = fill->assignees[story.handler];

  /* Its clocks: the row's is its latest change; each field changed
   * since it was made keeps its own. */
  format_hlc (received, 0, created);
  format_hlc (story.changed, 1, hlc);
  memcpy (m->hlc, hlc, sizeof hlc);
  g_string_append_printf (field_hlc, "{\"*\":\"%s\"", created);
  if (story.rank > 0)
    {
      format_hlc (story.status_at, 1, hlc);
      g_string_append_printf (field_hlc, ",\"status\":\"%s\"", hlc);
    }
  if (story.assigned_at >= 0)
    {
      format_hlc (story.assigned_at, 1, hlc);
      g_string_append_printf (field_hlc, ",\"assignee\":\"%s\"", hlc);
    }
  if (story.merged_at >= 0)
    {
      format_hlc (story.merged_at, 1, hlc);
      g_string_append_printf (field_hlc, ",\"merged_into\":\"%s\"", hlc);
    }
  g_string_append_c (field_hlc, '}');
  m->field_hlc = g_string_free (g_steal_pointer (&field_hlc), FALSE);
}

static void
message_clear (Message *m)
{
  g_free (m->from_name);
  g_free (m->contact);
  g_free (m->content);
  g_free (m->place);
  g_free (m->field_hlc);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           column,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, column, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, column);
}

static void
step (Fill         *fill,
      sqlite3_stmt *stmt)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_error ("%s", sqlite3_errmsg (fill->db));
  sqlite3_reset (stmt);
}

static void
write_message (Fill          *fill,
               const Message *m)
{
  sqlite3_stmt *stmt = fill->insert_message;
  char received[EVG_MINUTE_SIZE], respond[EVG_MINUTE_SIZE], resolve[EVG_MINUTE_SIZE];
  static const char * const channels[] = { "walk_in", "phone", "web", "hotline", "letter" };

  evg_format_minute (m->received, received);
  evg_format_minute (m->received + 24 * 60, respond);
  evg_format_minute (m->received + 7 * 24 * 60, resolve);
  bind_text (stmt, 1, fill->ids[m->index]);
  bind_text (stmt, 2, m->hlc);
  bind_text (stmt, 3, m->field_hlc);
  bind_text (stmt, 4, received);
  bind_text (stmt, 5, channels[m->channel]);
  bind_text (stmt, 6, m->from_name);
  bind_text (stmt, 7, m->contact);
  bind_text (stmt, 8, categories[m->category].code);
  bind_text (stmt, 9, m->content);
  bind_text (stmt, 10, m->place);
  bind_text (stmt, 11, m->status);
  bind_text (stmt, 12, m->assignee);
  bind_text (stmt, 13, respond);
  bind_text (stmt, 14, resolve);
  bind_text (stmt, 15, m->merged_into);
  step (fill, stmt);
}

static void
write_event (Fill          *fill,
             const Pending *e)
{
  sqlite3_stmt *stmt = fill->insert_event;
  gint64 ms = minute_to_ms (e->at) + g_rand_int_range (fill->rand, 0, 60000);
  char id[37], at[EVG_MINUTE_SIZE], hlc[EVG_HLC_TEXT_LEN + 1], field_hlc[EVG_HLC_TEXT_LEN + 16];
  const char *text = NULL;

  make_id (fill->rand, ms, id);
  evg_hlc_format (evg_hlc_pack (ms, 0), hlc);
  g_snprintf (field_hlc, sizeof field_hlc, "{\"*\":\"%s\"}", hlc);
  evg_format_minute (e->at, at);
  switch ((Kind) e->kind)
    {
    case K_CONTACTED: text = contacts[e->variant]; break;
    case K_WAITING:   text = waits[e->variant]; break;
    case K_NOTE:      text = notes[e->variant]; break;
    case K_REPLY:     text = replies[e->variant]; break;
    case K_REOPENED:  text = reopen_reasons[e->variant]; break;
    case K_EXCLUDED:  text = exclusions[e->variant]; break;
    default: break;
    }
  bind_text (stmt, 1, id);
  bind_text (stmt, 2, hlc);
  bind_text (stmt, 3, field_hlc);
  bind_text (stmt, 4, fill->ids[e->message]);
  bind_text (stmt, 5, at);
  bind_text (stmt, 6, kind_codes[e->kind]);
  bind_text (stmt, 7, text);
  bind_text (stmt, 8, e->kind == K_CALLBACK || e->kind == K_ASSIGNED ? NULL : handlers[e->seq % G_N_ELEMENTS (handlers)]);
  bind_text (stmt, 9, e->kind == K_ASSIGNED ? fill->assignees[e->variant] : NULL);
  bind_text (stmt, 10, e->kind == K_CALLBACK ? answers[e->resolved] : NULL);
  bind_text (stmt, 11, e->kind == K_CALLBACK ? satisfactions[e->satisfied] : NULL);
  bind_text (stmt, 12, e->kind == K_MERGED ? fill->ids[e->other] : NULL);
  step (fill, stmt);
}

static int
compare_pending (gconstpointer a,
                 gconstpointer b)
{
  const Pending *x = a, *y = b;

  if (x->at != y->at)
    return x->at < y->at ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
compare_ints (gconstpointer a,
              gconstpointer b)
{
  gint32 x = *(const gint32 *) a, y = *(const gint32 *) b;

  return x < y ? -1 : x > y;
}

/* Writes eight years of messages and their events, a day at a time:
 * the day's messages and the events that fall on it, in time order. */
static void
fill_tables (EvgStore *store,
             guint     n_messages)
{
  Fill fill = { 0 };
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GArray) messages = g_array_new (FALSE, FALSE, sizeof (Message));
  guint32 next = 0;

  fill.db = evg_store_get_db (store);
  fill.rand = g_rand_new_with_seed (15);
  fill.day0 = evg_parse_minute (FIRST_DAY);
  fill.last_minute = fill.day0 + (gint64) N_DAYS * 1440 - 1;
  fill.cutoff = fill.last_minute;
  fill.ids = g_malloc (sizeof *fill.ids * n_messages);
  for (guint d = 0; d < N_DAYS; d++)
    fill.days[d] = g_array_new (FALSE, FALSE, sizeof (Pending));
  for (guint i = 0; i < G_N_ELEMENTS (handlers); i++)
    make_id (fill.rand, minute_to_ms (fill.day0 - 400 * 1440), fill.assignees[i]);

  /* Filling only: the database is thrown away if the machine stops. */
  exec (fill.db, "PRAGMA synchronous = OFF; PRAGMA cache_size = -262144");
  sqlite3_prepare_v2 (fill.db,
                      "INSERT INTO feedback (id, branch, hlc, field_hlc, deleted, received_at, channel, "
                      "  from_name, contact, category, content, place, status, assignee, response_due, "
                      "  resolution_due, merged_into) "
                      "VALUES (?1, 'B001', ?2, ?3, 0, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                      -1, &fill.insert_message, NULL);
  sqlite3_prepare_v2 (fill.db,
                      "INSERT INTO feedback_event (id, branch, hlc, field_hlc, deleted, feedback_id, at, kind, "
                      "  text, author, assignee, resolved, satisfied, other_id) "
                      "VALUES (?1, 'B001', ?2, ?3, 0, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                      -1, &fill.insert_event, NULL);

  exec (fill.db, "BEGIN");
  for (guint d = 0; d < N_DAYS; d++)
    {
      guint n = (guint) ((guint64) (d + 1) * n_messages / N_DAYS - (guint64) d * n_messages / N_DAYS);
      GArray *events = fill.days[d];
      guint e = 0;

      /* Messages come in by day, few at night. */
      g_array_set_size (times, n);
      for (guint i = 0; i < n; i++)
        g_array_index (times, gint32, i) = g_rand_int_range (fill.rand, 0, 20) == 0
                                           ? g_rand_int_range (fill.rand, 0, 1440)
                                           : g_rand_int_range (fill.rand, 7 * 60, 22 * 60);
      g_array_sort (times, compare_ints);
      g_array_set_size (messages, n);
      for (guint i = 0; i < n; i++)
        {
          gint64 received = fill.day0 + (gint64) d * 1440 + g_array_index (times, gint32, i);

          make_id (fill.rand, minute_to_ms (received) + g_rand_int_range (fill.rand, 0, 60000), fill.ids[next]);
          make_message (&fill, next, received, &g_array_index (messages, Message, i));
          next++;
        }

      /* Today's events include those of today's messages. */
      g_array_sort (events, compare_pending);
      for (guint i = 0; i < n; i++)
        {
          Message *m = &g_array_index (messages, Message, i);

          while (e < events->len && g_array_index (events, Pending, e).at < m->received)
            write_event (&fill, &g_array_index (events, Pending, e++));
          write_message (&fill, m);
          message_clear (m);
        }
      while (e < events->len)
        write_event (&fill, &g_array_index (events, Pending, e++));
      g_array_free (g_steal_pointer (&fill.days[d]), TRUE);

      /* A month to a transaction. */
      if (d % 30 == 29 || d + 1 == N_DAYS)
        {
          exec (fill.db, "COMMIT");
          if (d + 1 < N_DAYS)
            exec (fill.db, "BEGIN");
        }
      if (d % 365 == 364)
        fprintf (stderr, "filled %u messages, %" G_GUINT64_FORMAT " events\n", next, fill.n_events);
    }
  sqlite3_finalize (fill.insert_message);
  sqlite3_finalize (fill.insert_event);
  exec (fill.db, "PRAGMA wal_checkpoint(TRUNCATE)");
  g_free (fill.ids);
  g_rand_free (fill.rand);
}

/* Measuring */

static double
percentile (GArray *ms,
            double  p)
{
  g_array_sort (ms, evg_bench_compare_doubles);
  return g_array_index (ms, double, MIN (ms->len - 1, (guint) (p * ms->len)));
}

typedef struct
{
  guint  n_months;
  double median_ms;
  double max_ms;
  EvgFeedbackRates last;
} RatesFigures;

/* A warm-up, then @n_runs runs of the rates of @n_months months up to
 * the last whole month of the fill. */
static void
measure_rates (EvgInbox     *inbox,
               const char   *first_month,
               guint         n_months,
               guint         n_runs,
               RatesFigures *out)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree EvgFeedbackRates *rates = g_new0 (EvgFeedbackRates, n_months);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i <= n_runs; i++)
    {
      double t0 = evg_bench_now (), t;

      if (!evg_inbox_compute_rates (inbox, first_month, n_months, NULL, rates, &error))
        g_error ("%s", error->message);
      t = (evg_bench_now () - t0) * 1000;
      if (i > 0)
        g_array_append_val (ms, t);
    }
  out->n_months = n_months;
  out->median_ms = percentile (ms, 0.5);
  out->max_ms = percentile (ms, 1.0);
  out->last = rates[n_months - 1];
}

/* Words people look for, as they would type them. */
static const char * const search_words[] = {
  "垃圾", "电梯", "漏水", "噪音", "停车", "路灯", "暖气", "物业", "井盖", "广场舞", "充电", "地锁",
  "高空抛物", "低保", "养老", "快递柜", "装修", "油烟", "积水", "共享单车", "消防通道", "异味", "老鼠",
  "监控", "门禁", "防水", "自来水", "二次供水", "保安", "僵尸车", "红绿灯", "学校门口", "施工", "鸣笛",
  "燃气", "流浪狗", "电动车", "邻居", "鸽子", "空调外机", "烧烤", "高龄津贴", "助餐", "残疾人", "公租房",
  "居住证明", "失业登记", "医保", "理发", "图书角", "网格员", "菜市场", "休息座椅", "智能手机", "健身器材",
  "下水道", "树木", "无障碍", "公厕", "焚烧", "小广告", "化粪池", "宠物粪便", "保温层", "道闸",
  "和平里", "安华里", "交道口", "东四", "北新桥", "光明楼", "南锣鼓巷", "东四北大街", "幸福大街",
  "无人机", "地铁", "菜鸟驿站",
};

typedef struct
{
  GArray *keystroke_ms;
  GArray *narrow_ms;      /* keystrokes whose text matches at most NARROW_ROWS */
  GArray *clear_ms;       /* the search emptied: every message again */
  guint   n_queries;
  guint   n_emitted;
  guint   min_rows;
  guint   max_rows;
} Search;

/* The keystrokes of a search that already narrows the list well, apart
 * from those that match a good part of a million messages. */
#define NARROW_ROWS 10000

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Search     *search)
{
  search->n_emitted++;
}

static void
type_query (EvgFeedbackList *list,
            const char      *query,
            Search          *search)
{
  glong len = g_utf8_strlen (query, -1);

  for (glong i = 1; i <= len; i++)
    {
      g_autofree char *prefix = g_utf8_substring (query, 0, i);
      double t0 = evg_bench_now (), ms;
      guint n;

      evg_feedback_list_set_search_text (list, prefix);
      ms = (evg_bench_now () - t0) * 1000;
      g_array_append_val (search->keystroke_ms, ms);
      n = g_list_model_get_n_items (G_LIST_MODEL (list));
      if (n <= NARROW_ROWS)
        g_array_append_val (search->narrow_ms, ms);
      search->min_rows = MIN (search->min_rows, n);
      search->max_rows = MAX (search->max_rows, n);
    }
  search->n_queries++;

  {
    double t0 = evg_bench_now (), ms;

    evg_feedback_list_set_search_text (list, NULL);
    ms = (evg_bench_now () - t0) * 1000;
    g_array_append_val (search->clear_ms, ms);
  }
}

/* Words, names in characters and in pinyin (full and initials), and the
 * numbers of buildings, each typed a keystroke at a time. */
static void
measure_search (EvgFeedbackList *list,
                Search          *search)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1515);

  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), search);
  search->min_rows = G_MAXUINT;
  for (guint q = 0; q < 300; q++)
    {
      g_autofree char *name = make_name (rand);
      g_autoptr(GString) full = g_string_new (NULL);
      g_autoptr(GString) initials = g_string_new (NULL);
      g_autofree char *number = NULL;

      switch (q % 10)
        {
        case 0: case 1: case 2: case 3:
          type_query (list, PICK (rand, search_words), search);
          break;
        case 4: case 5:
          type_query (list, name, search);
          break;
        case 6: case 7:
          evg_pinyin_convert (name, TRUE, full, initials);
          type_query (list, q % 10 == 6 ? full->str : initials->str, search);
          break;
        default:
          number = g_strdup_printf ("%d号楼", g_rand_int_range (rand, 1, 37));
          type_query (list, number, search);
          break;
        }
    }
  g_signal_handlers_disconnect_by_func (list, on_items_changed, search);
}

/* Opening: two programs, the inbox and its anchor, each timed from its
 * start to its first frame with rows. */

static GtkColumnView *open_view;

static void
after_paint (GdkFrameClock *clock,
             GtkWidget     *window)
{
  GtkWidget *list = gtk_widget_get_last_child (GTK_WIDGET (open_view));

  if (list == NULL || gtk_widget_get_first_child (list) == NULL || !gtk_widget_get_mapped (list))
    return;
  g_signal_handlers_disconnect_by_func (clock, after_paint, window);
  evg_bench_report (g_object_get_data (G_OBJECT (window), "evg-bench-program"));
  gtk_window_close (GTK_WINDOW (window));
}

static void
on_map (GtkWidget *window)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint), window);
}

static void
setup_cell (GtkListItemFactory *factory,
            GtkListItem        *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_list_item_set_child (item, label);
}

/* The three columns of both windows: received, category, content. */
static const char * const column_titles[] = { "收到时间", "类别", "留言内容" };

/* The inbox's cells: the row's message, read when it is shown. */
static void
bind_message (GtkListItemFactory *factory,
              GtkListItem        *item,
              gpointer            column)
{
  EvgRecord *message = gtk_list_item_get_item (item);
  const char *text;

  switch (GPOINTER_TO_UINT (column))
    {
    case 0:
      text = evg_record_get (message, EVG_FEEDBACK_RECEIVED_AT);
      break;
    case 1:
      {
        const EvgChoice *choice = evg_column_spec_find_choice (evg_feedback_field_get_info (EVG_FEEDBACK_CATEGORY),
                                                               evg_record_get (message, EVG_FEEDBACK_CATEGORY));
        text = choice != NULL ? choice->chinese : "";
      }
      break;
    default:
      text = evg_record_get (message, EVG_FEEDBACK_CONTENT);
      break;
    }
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

/* The anchor's cells: the column's part of a tab-separated string. */
static void
bind_string (GtkListItemFactory *factory,
             GtkListItem        *item,
             gpointer            column)
{
  const char *text = gtk_string_object_get_string (gtk_list_item_get_item (item));
  g_autofree char *part = NULL;
  const char *end;

  for (guint i = 0; i < GPOINTER_TO_UINT (column) && text != NULL; i++)
    text = strchr (text, '\t') != NULL ? strchr (text, '\t') + 1 : NULL;
  end = text != NULL ? strchr (text, '\t') : NULL;
  part = text == NULL ? g_strdup ("") : end != NULL ? g_strndup (text, (gsize) (end - text)) : g_strdup (text);
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), part);
}

/* The same window for both: a header bar and the column view. */
static void
present_window (GtkApplication *app,
                GListModel     *model,
                GCallback       bind,
                const char     *program)
{
  GtkWidget *window, *scrolled, *box;

  open_view = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (gtk_single_selection_new (model))));
  for (guint i = 0; i < G_N_ELEMENTS (column_titles); i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), NULL);
      g_signal_connect (factory, "bind", bind, GUINT_TO_POINTER (i));
      column = gtk_column_view_column_new (column_titles[i], factory);
      if (i < 2)
        gtk_column_view_column_set_fixed_width (column, i == 0 ? 150 : 100);
      else
        gtk_column_view_column_set_expand (column, TRUE);
      gtk_column_view_append_column (open_view, column);
      g_object_unref (column);
    }
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (open_view));
  gtk_widget_set_vexpand (scrolled, TRUE);

  window = adw_application_window_new (app);
  g_object_set_data (G_OBJECT (window), "evg-bench-program", (gpointer) program);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  g_signal_connect (window, "map", G_CALLBACK (on_map), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

static void
activate_inbox (GApplication *app,
                const char   *database)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = evg_store_open (database, &error);
  g_autoptr(EvgInbox) inbox = NULL;

  if (store == NULL)
    g_error ("%s", error->message);
  inbox = evg_inbox_new (store, &error);
  if (inbox == NULL)
    g_error ("%s", error->message);
  present_window (GTK_APPLICATION (app), G_LIST_MODEL (evg_feedback_list_new (inbox)),
                  G_CALLBACK (bind_message), "inbox");
}

/* As many strings as messages, newest first, made as cheaply as a
 * program that has them at hand would: the time, the category and a
 * message's words. */
static void
activate_strings (GApplication *app,
                  gpointer      n_strings)
{
  GtkStringList *strings = gtk_string_list_new (NULL);
  guint n = GPOINTER_TO_UINT (n_strings);
  gint64 day0 = evg_parse_minute (FIRST_DAY), span = (gint64) N_DAYS * 1440;
  char line[512], when[EVG_MINUTE_SIZE];

  for (guint i = 0; i < n; i++)
    {
      const Category *category = &categories[i % G_N_ELEMENTS (categories)];
      guint problem = (i / G_N_ELEMENTS (categories)) % n_problems (category);

      evg_format_minute (day0 + span - 1 - (gint64) i * span / n, when);
      g_snprintf (line, sizeof line, "%s\t%s\t%s%s，%s，%s。%s。", when, category->label,
                  spots[i % G_N_ELEMENTS (spots)], category->problems[problem],
                  durations[i % G_N_ELEMENTS (durations)], impacts[(i / 3) % G_N_ELEMENTS (impacts)],
                  requests[(i / 7) % G_N_ELEMENTS (requests)]);
      gtk_string_list_append (strings, line);
    }
  present_window (GTK_APPLICATION (app), G_LIST_MODEL (strings), G_CALLBACK (bind_string), "strings");
}

static int
run_window (const char *mode,
            const char *argument)
{
  g_autoptr(AdwApplication) app = adw_application_new ("org.evanguard.BenchInbox", G_APPLICATION_NON_UNIQUE);

  if (g_str_equal (mode, "--open-inbox"))
    g_signal_connect (app, "activate", G_CALLBACK (activate_inbox), (gpointer) argument);
  else
    g_signal_connect (app, "activate", G_CALLBACK (activate_strings),
                      GUINT_TO_POINTER ((guint) g_ascii_strtoull (argument, NULL, 10)));
  return g_application_run (G_APPLICATION (app), 1, (char *[]) { (char *) "bench-inbox", NULL });
}

/* Starts @argv with EVG_BENCH_T0 set; returns its first frame and memory. */
static void
timed_run (char   **argv,
           double  *ms,
           double  *rss_kib)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  g_autofree char *t0 = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_monotonic_time ());
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "EVG_BENCH_T0", t0, TRUE);
  JsonObject *object;
  int status = 0;

  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "memory", TRUE);
  if (!g_spawn_sync (NULL, argv, env, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, &error) ||
      !json_parser_load_from_data (parser, out, -1, &error))
    g_error ("%s %s: %s", argv[0], argv[1], error != NULL ? error->message : "no output");
  object = json_node_get_object (json_parser_get_root (parser));
  *ms = json_object_get_double_member (object, "first_frame_ms");
  *rss_kib = (double) json_object_get_int_member (object, "rss_kib");
}

static double
median_of (double *values,
           guint   n)
{
  qsort (values, n, sizeof (double), evg_bench_compare_doubles);
  return values[n / 2];
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *self = NULL;
  g_autofree char *n_text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = NULL;
  g_autoptr(EvgInbox) inbox = NULL;
  g_autoptr(EvgFeedbackList) list = NULL;
  Search search = { 0 };
  RatesFigures month = { 0 }, year = { 0 };
  double strings_ms[N_OPEN_RUNS], inbox_ms[N_OPEN_RUNS], strings_rss[N_OPEN_RUNS], inbox_rss[N_OPEN_RUNS];
  double t0, fill_s = 0, index_s;
  gint64 n_messages, n_events;
  gboolean display = g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL;

  if (argc == 3 && (g_str_equal (argv[1], "--open-inbox") || g_str_equal (argv[1], "--open-strings")))
    return run_window (argv[1], argv[2]);

  /* EVG_BENCH_KEEP=DIR keeps the filled database there and reuses it. */
  dir = g_getenv ("EVG_BENCH_KEEP") != NULL ? g_strdup (g_getenv ("EVG_BENCH_KEEP")) : evg_bench_make_dir ();
  g_mkdir_with_parents (dir, 0700);
  db = g_build_filename (dir, "inbox.db", NULL);
  store = evg_store_open (db, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  if (count (evg_store_get_db (store), "SELECT count(*) FROM feedback") == 0)
    {
      t0 = evg_bench_now ();
      fill_tables (store, argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : N_MESSAGES);
      fill_s = evg_bench_now () - t0;
      /* Measured on a connection as the app opens it. */
      g_clear_object (&store);
      store = evg_store_open (db, &error);
      if (store == NULL)
        g_error ("%s", error->message);
    }
  n_messages = count (evg_store_get_db (store), "SELECT count(*) FROM feedback");
  n_events = count (evg_store_get_db (store), "SELECT count(*) FROM feedback_event");
  fprintf (stderr, "%" G_GINT64_FORMAT " messages, %" G_GINT64_FORMAT " events; filled in %.0f s\n",
           n_messages, n_events, fill_s);

  /* The index, as the page first reads it. */
  t0 = evg_bench_now ();
  inbox = evg_inbox_new (store, &error);
  if (inbox == NULL)
    g_error ("%s", error->message);
  list = evg_feedback_list_new (inbox);
  index_s = evg_bench_now () - t0;

  /* The last whole month of the fill, and the twelve up to it. */
  measure_rates (inbox, "2026-11", 1, 9, &month);
  measure_rates (inbox, "2025-12", 12, 9, &year);

  search.keystroke_ms = g_array_new (FALSE, FALSE, sizeof (double));
  search.narrow_ms = g_array_new (FALSE, FALSE, sizeof (double));
  search.clear_ms = g_array_new (FALSE, FALSE, sizeof (double));
  measure_search (list, &search);

  if (display)
    {
      self = g_canonicalize_filename (argv[0], NULL);
      n_text = g_strdup_printf ("%" G_GINT64_FORMAT, n_messages);
      for (guint i = 0; i < N_OPEN_RUNS; i++)
        {
          char *strings_argv[] = { self, (char *) "--open-strings", n_text, NULL };
          char *inbox_argv[] = { self, (char *) "--open-inbox", db, NULL };

          timed_run (strings_argv, &strings_ms[i], &strings_rss[i]);
          timed_run (inbox_argv, &inbox_ms[i], &inbox_rss[i]);
          fprintf (stderr, "open %u: strings %.0f ms, inbox %.0f ms\n", i, strings_ms[i], inbox_ms[i]);
        }
    }
  else
    fprintf (stderr, "no display: the opening figures are left out\n");

  printf ("{\"benchmark\":\"inbox\",\"messages\":%" G_GINT64_FORMAT ",\"events\":%" G_GINT64_FORMAT ","
          "\"fill_s\":%.1f,\"index_load_ms\":%.1f,"
          "\"rates_1_month\":\"2026-11\",\"rates_1_median_ms\":%.2f,\"rates_1_max_ms\":%.2f,\"rates_1_target_ms\":20,"
          "\"rates_12_months\":\"2025-12..2026-11\",\"rates_12_median_ms\":%.2f,\"rates_12_max_ms\":%.2f,"
          "\"rates_12_target_ms\":100,\"rates_runs\":9,"
          "\"month_received\":%u,\"month_response_rate\":%.3f,\"month_resolution_rate\":%.3f,"
          "\"month_satisfaction_rate\":%.3f,"
          "\"search_queries\":%u,\"search_keystrokes\":%u,\"search_p50_ms\":%.3f,\"search_p95_ms\":%.3f,"
          "\"search_p99_ms\":%.3f,\"search_max_ms\":%.3f,\"search_target_p95_ms\":5,"
          "\"search_rows_min\":%u,\"search_rows_max\":%u,"
          "\"search_up_to_%u_rows_keystrokes\":%u,\"search_up_to_%u_rows_p95_ms\":%.3f,"
          "\"search_clear_p50_ms\":%.3f,\"search_clear_p95_ms\":%.3f",
          n_messages, n_events, fill_s, index_s * 1000,
          month.median_ms, month.max_ms, year.median_ms, year.max_ms,
          month.last.received, month.last.response_rate, month.last.resolution_rate,
          month.last.satisfaction_rate,
          search.n_queries, search.keystroke_ms->len, percentile (search.keystroke_ms, 0.50),
          percentile (search.keystroke_ms, 0.95), percentile (search.keystroke_ms, 0.99),
          percentile (search.keystroke_ms, 1.0), search.min_rows, search.max_rows,
          NARROW_ROWS, search.narrow_ms->len, NARROW_ROWS, percentile (search.narrow_ms, 0.95),
          percentile (search.clear_ms, 0.50), percentile (search.clear_ms, 0.95));
  if (display)
    {
      double s = median_of (strings_ms, N_OPEN_RUNS), b = median_of (inbox_ms, N_OPEN_RUNS);

      printf (",\"open_runs\":%d,\"strings_first_frame_ms\":%.1f,\"inbox_first_frame_ms\":%.1f,"
              "\"open_ratio\":%.2f,\"open_target_ratio\":1.3,\"strings_rss_mib\":%.1f,\"inbox_rss_mib\":%.1f",
              N_OPEN_RUNS, s, b, b / s, median_of (strings_rss, N_OPEN_RUNS) / 1024,
              median_of (inbox_rss, N_OPEN_RUNS) / 1024);
    }
  printf ("}\n");

  g_array_unref (search.keystroke_ms);
  g_array_unref (search.narrow_ms);
  g_array_unref (search.clear_ms);
  g_clear_object (&list);
  g_clear_object (&inbox);
  g_clear_object (&store);
  if (g_getenv ("EVG_BENCH_KEEP") == NULL)
    {
      g_autofree char *wal = g_strconcat (db, "-wal", NULL);
      g_autofree char *shm = g_strconcat (db, "-shm", NULL);

      g_unlink (wal);
      g_unlink (shm);
      evg_bench_remove_dir (dir);
    }
  return 0;
}
