/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-member"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-member.h"
#include "evg-roster-private.h"
#include "evg-sync-protocol.h"

/* One member as the roster shows and edits it.  Values are held in the
 * store's form (ISO dates, English codes, "0"/"1"); evg_member_set_text()
 * turns what people type or what a spreadsheet holds into that form.  A
 * member is a value: editing one changes nothing until the roster saves it. */
struct _EvgMember
{
  GObject  parent_instance;

  /* Owned */
  char    *id;
  char    *party_group_name;
  char    *values[EVG_MEMBER_N_FIELDS];
};

G_DEFINE_FINAL_TYPE (EvgMember, evg_member, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_PARTY_GROUP_NAME,
  PROP_AGE,
  PROP_PARTY_AGE,
  PROP_DAYS_TO_FULL,
  PROP_MASKED_ID_NUMBER,
  PROP_MASKED_PHONE,
  PROP_IS_FULL,
  PROP_IS_FORMER,
  PROP_FIRST_FIELD,
  N_PROPS = PROP_FIRST_FIELD + EVG_MEMBER_N_FIELDS
};

static GParamSpec *properties[N_PROPS];
static guint notify_signal;

#define ALIASES(...) (const char * const[]) { __VA_ARGS__, NULL }

static const EvgChoice gender_choices[] = {
  { "male", N_("Male"), "男" },
  { "female", N_("Female"), "女" },
};

static const EvgChoice education_choices[] = {
  { "postgraduate", N_("Postgraduate"), "研究生" },
  { "bachelor", N_("Bachelor’s degree"), "大学本科" },
  { "college", N_("College diploma"), "大学专科" },
  { "secondary_vocational", N_("Secondary vocational school"), "中专" },
  { "high_school", N_("High school"), "高中" },
  { "junior_or_below", N_("Junior high school or below"), "初中及以下" },
};

static const EvgChoice category_choices[] = {
  { "full", N_("Full member"), "正式党员" },
  { "probationary", N_("Probationary member"), "预备党员" },
};

static const EvgChoice standing_choices[] = {
  { "normal", N_("Normal"), "正常" },
  { "on_probation", N_("On probation within the Party"), "留党察看" },
  { "suspended", N_("Membership suspended"), "停止党籍" },
};

static const EvgChoice left_reason_choices[] = {
  { "transferred", N_("Transferred out"), "转出" },
  { "died", N_("Died"), "去世" },
  { "expelled", N_("Expelled"), "出党" },
  { "withdrew", N_("Withdrew"), "退党" },
  { "removed", N_("Removed from the rolls"), "除名" },
};

/* The 56 ethnic groups, in the order of the national standard GB 3304.
 * The form and the store both use the group's name, which is also what
 * people read: it has no English code and is not translated. */
#define ETHNICITY(name) { name, name, name }

static const EvgChoice ethnicity_choices[] = {
  ETHNICITY ("汉族"), ETHNICITY ("蒙古族"), ETHNICITY ("回族"), ETHNICITY ("藏族"),
  ETHNICITY ("维吾尔族"), ETHNICITY ("苗族"), ETHNICITY ("彝族"), ETHNICITY ("壮族"),
  ETHNICITY ("布依族"), ETHNICITY ("朝鲜族"), ETHNICITY ("满族"), ETHNICITY ("侗族"),
  ETHNICITY ("瑶族"), ETHNICITY ("白族"), ETHNICITY ("土家族"), ETHNICITY ("哈尼族"),
  ETHNICITY ("哈萨克族"), ETHNICITY ("傣族"), ETHNICITY ("黎族"), ETHNICITY ("傈僳族"),
  ETHNICITY ("佤族"), ETHNICITY ("畲族"), ETHNICITY ("高山族"), ETHNICITY ("拉祜族"),
  ETHNICITY ("水族"), ETHNICITY ("东乡族"), ETHNICITY ("纳西族"), ETHNICITY ("景颇族"),
  ETHNICITY ("柯尔克孜族"), ETHNICITY ("土族"), ETHNICITY ("达斡尔族"), ETHNICITY ("仫佬族"),
  ETHNICITY ("羌族"), ETHNICITY ("布朗族"), ETHNICITY ("撒拉族"), ETHNICITY ("毛南族"),
  ETHNICITY ("仡佬族"), ETHNICITY ("锡伯族"), ETHNICITY ("阿昌族"), ETHNICITY ("普米族"),
  ETHNICITY ("塔吉克族"), ETHNICITY ("怒族"), ETHNICITY ("乌孜别克族"), ETHNICITY ("俄罗斯族"),
  ETHNICITY ("鄂温克族"), ETHNICITY ("德昂族"), ETHNICITY ("保安族"), ETHNICITY ("裕固族"),
  ETHNICITY ("京族"), ETHNICITY ("塔塔尔族"), ETHNICITY ("独龙族"), ETHNICITY ("鄂伦春族"),
  ETHNICITY ("赫哲族"), ETHNICITY ("门巴族"), ETHNICITY ("珞巴族"), ETHNICITY ("基诺族"),
};

#undef ETHNICITY

#define CHOICES(array) .choices = array, .n_choices = G_N_ELEMENTS (array)

/* The member table, in the order of the national member form (DOMAIN.md)
 * followed by the roster's own: the order of EvgMemberField, of the
 * table's columns (a test compares them) and of exported spreadsheets. */
static const EvgColumnSpec member_columns[EVG_MEMBER_N_FIELDS] = {
  [EVG_MEMBER_NAME] = {
    .name = "name",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_IDENTITY,
    .max_chars = 50,
    .kind = EVG_FIELD_KIND_TEXT,
    .field = "name", .header = "姓名", .label = N_("Name"),
  },
  [EVG_MEMBER_GENDER] = {
    .name = "gender",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .kind = EVG_FIELD_KIND_CHOICE,
    .field = "gender", .header = "性别", .label = N_("Gender"),
    CHOICES (gender_choices),
  },
  [EVG_MEMBER_ETHNICITY] = {
    .name = "ethnicity",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .kind = EVG_FIELD_KIND_CHOICE,
    .field = "ethnicity", .header = "民族", .label = N_("Ethnicity"),
    CHOICES (ethnicity_choices),
  },
  [EVG_MEMBER_ID_NUMBER] = {
    .name = "id_number",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_IDENTITY | EVG_COLUMN_FLAG_PERSONAL,
    .kind = EVG_FIELD_KIND_ID_NUMBER,
    .field = "id_number", .header = "公民身份证号", .label = N_("ID Number"),
    .aliases = ALIASES ("公民身份号码", "身份证号", "身份证号码", "身份证"),
  },
  [EVG_MEMBER_BIRTH_DATE] = {
    .name = "birth_date",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_IDENTITY,
    .kind = EVG_FIELD_KIND_DATE,
    .field = "birth_date", .header = "出生日期", .label = N_("Date of Birth"),
    .aliases = ALIASES ("出生年月"),
  },
  [EVG_MEMBER_EDUCATION] = {
    .name = "education",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .kind = EVG_FIELD_KIND_CHOICE,
    .field = "education", .header = "学历", .label = N_("Education"),
    CHOICES (education_choices),
  },
  [EVG_MEMBER_CATEGORY] = {
    .name = "category",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .kind = EVG_FIELD_KIND_CHOICE,
    .field = "category", .header = "人员类别", .label = N_("Member Category"),
    .aliases = ALIASES ("党员类别"),
    CHOICES (category_choices),
  },
  [EVG_MEMBER_PARTY_GROUP_ID] = {
    .name = "party_group_id",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .kind = EVG_FIELD_KIND_PARTY_GROUP,
    .field = "party_group", .header = "所在党小组", .label = N_("Party Group"),
    .aliases = ALIASES ("党小组", "party_group_id"),
  },
  [EVG_MEMBER_JOINED_ON] = {
    .name = "joined_on",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_IDENTITY,
    .kind = EVG_FIELD_KIND_DATE,
    .field = "joined_on", .header = "加入党组织日期", .label = N_("Joined the Party"),
    .aliases = ALIASES ("入党日期", "入党时间", "加入党组织时间"),
  },
  [EVG_MEMBER_FULL_MEMBER_ON] = {
    .name = "full_member_on",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_IDENTITY,
    .kind = EVG_FIELD_KIND_DATE,
    .field = "full_member_on", .header = "转为正式党员日期", .label = N_("Became a Full Member"),
    .aliases = ALIASES ("转正日期", "转正时间", "转为正式党员时间"),
  },
  [EVG_MEMBER_OCCUPATION] = {
    .name = "occupation",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .kind = EVG_FIELD_KIND_TEXT,
    .field = "occupation", .header = "工作岗位", .label = N_("Occupation"),
  },
  [EVG_MEMBER_PHONE] = {
    .name = "phone",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_PERSONAL,
    .kind = EVG_FIELD_KIND_PHONE,
    .field = "phone", .header = "联系电话", .label = N_("Phone"),
    .aliases = ALIASES ("电话", "手机", "手机号码", "联系方式"),
  },
  [EVG_MEMBER_ADDRESS] = {
    .name = "address",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .kind = EVG_FIELD_KIND_TEXT,
    .field = "address", .header = "家庭住址", .label = N_("Home Address"),
    .aliases = ALIASES ("住址", "家庭地址"),
  },
  [EVG_MEMBER_STANDING] = {
    .name = "standing",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .kind = EVG_FIELD_KIND_CHOICE,
    .field = "standing", .header = "党籍状态", .label = N_("Standing"),
    CHOICES (standing_choices),
  },
  [EVG_MEMBER_LOST_CONTACT] = {
    .name = "lost_contact",
    .type = EVG_COLUMN_INT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .min = 0, .max = 1,
    .kind = EVG_FIELD_KIND_BOOLEAN,
    .field = "lost_contact", .header = "是否失联党员", .label = N_("Lost Contact"),
    .aliases = ALIASES ("失联党员"),
  },
  [EVG_MEMBER_LOST_CONTACT_ON] = {
    .name = "lost_contact_on",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .kind = EVG_FIELD_KIND_DATE,
    .field = "lost_contact_on", .header = "失去联系日期", .label = N_("Lost Contact Since"),
    .aliases = ALIASES ("失联日期"),
  },
  [EVG_MEMBER_MOBILE_MEMBER] = {
    .name = "mobile_member",
    .type = EVG_COLUMN_INT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .min = 0, .max = 1,
    .kind = EVG_FIELD_KIND_BOOLEAN,
    .field = "mobile_member", .header = "是否流动党员", .label = N_("Mobile Member"),
    .aliases = ALIASES ("流动党员"),
  },
  [EVG_MEMBER_MOBILE_DESTINATION] = {
    .name = "mobile_destination",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .kind = EVG_FIELD_KIND_TEXT,
    .field = "mobile_destination", .header = "外出流向", .label = N_("Gone To"),
    .aliases = ALIASES ("流向"),
  },
  [EVG_MEMBER_PARTY_POST] = {
    .name = "party_post",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .kind = EVG_FIELD_KIND_TEXT,
    .field = "party_post", .header = "现任党内职务", .label = N_("Party Post"),
    .aliases = ALIASES ("党内职务"),
  },
  [EVG_MEMBER_WORK_UNIT] = {
    .name = "work_unit",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .kind = EVG_FIELD_KIND_TEXT,
    .field = "work_unit", .header = "工作单位及职务", .label = N_("Work Unit and Post"),
    .aliases = ALIASES ("工作单位"),
  },
  [EVG_MEMBER_COMMUNITY] = {
    .name = "community",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .kind = EVG_FIELD_KIND_TEXT,
    .field = "community", .header = "所在社区", .label = N_("Residential Community"),
    .aliases = ALIASES ("居住社区", "社区"),
  },
  [EVG_MEMBER_DUES_MONTHLY] = {
    .name = "dues_monthly",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .kind = EVG_FIELD_KIND_MONEY,
    .field = "dues_monthly", .header = "月应缴党费", .label = N_("Monthly Dues"),
    .aliases = ALIASES ("月缴党费", "党费"),
  },
  [EVG_MEMBER_DUES_PAID_UNTIL] = {
    .name = "dues_paid_until",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .kind = EVG_FIELD_KIND_YEAR_MONTH,
    .field = "dues_paid_until", .header = "党费缴至", .label = N_("Dues Paid Up To"),
    .aliases = ALIASES ("党费交至"),
  },
  [EVG_MEMBER_NOTE] = {
    .name = "note",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .kind = EVG_FIELD_KIND_TEXT,
    .field = "note", .header = "备注", .label = N_("Note"),
  },
  [EVG_MEMBER_LEFT_REASON] = {
    .name = "left_reason",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .kind = EVG_FIELD_KIND_CHOICE,
    .field = "left_reason", .header = "减少方式", .label = N_("Left Because"),
    .aliases = ALIASES ("减少原因"),
    CHOICES (left_reason_choices),
  },
  [EVG_MEMBER_LEFT_ON] = {
    .name = "left_on",
    .type = EVG_COLUMN_TEXT,
    .flags = EVG_COLUMN_FLAG_NONE,
    .kind = EVG_FIELD_KIND_DATE,
    .field = "left_on", .header = "减少日期", .label = N_("Left On"),
  },
};

#undef CHOICES

/**
 * evg_member_table:
 *
 * The member record type: see evg-schema.h.
 */
const EvgTableSpec evg_member_table = {
  .name = "member",
  .label = N_("Member"),
  .columns = member_columns,
  .n_columns = G_N_ELEMENTS (member_columns),
  .policy = EVG_MERGE_FIELD_LWW,
  .check_text = evg_member_check_column,
};


const EvgMemberFieldInfo *
evg_member_field_get_info (EvgMemberField field)
{
  g_return_val_if_fail (field < EVG_MEMBER_N_FIELDS, NULL);
  return &member_columns[field];
}

/**
 * evg_member_field_from_name:
 * @name: a DOMAIN.md field name such as `id_number` (or a column name)
 *
 * Returns: the field, or -1
 */
int
evg_member_field_from_name (const char *name)
{
  g_return_val_if_fail (name != NULL, -1);

  for (guint i = 0; i < EVG_MEMBER_N_FIELDS; i++)
    if (g_ascii_strcasecmp (member_columns[i].field, name) == 0 ||
        g_ascii_strcasecmp (member_columns[i].name, name) == 0)
      return (int) i;
  return -1;
}

/* Drops what templates add around a header: spaces, a leading asterisk
 * for required columns and a trailing note in parentheses. */
static char *
clean_header (const char *header)
{
  GString *out = g_string_new (NULL);
  const char *p = header;

  while (*p == ' ' || *p == '*' || *p == '\t')
    p++;
  if (g_str_has_prefix (p, "＊"))
    p += strlen ("＊");
  for (; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '(' || c == 0xFF08)
        break;
      if (!g_unichar_isspace (c) && c != 0x3000)
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/**
 * evg_member_field_from_header:
 * @header: a column header from a spreadsheet: the national form's Chinese
 *   name, a common variant of it, or a DOMAIN.md field name
 *
 * Returns: the field, or -1 when the column is not one of ours
 */
int
evg_member_field_from_header (const char *header)
{
  g_autofree char *clean = NULL;
  int field;

  g_return_val_if_fail (header != NULL, -1);

  clean = clean_header (header);
  field = evg_member_field_from_name (clean);
  if (field >= 0)
    return field;

  for (guint i = 0; i < EVG_MEMBER_N_FIELDS; i++)
    {
      if (g_str_equal (member_columns[i].header, clean))
        return (int) i;
      for (guint j = 0; member_columns[i].aliases != NULL && member_columns[i].aliases[j] != NULL; j++)
        if (g_ascii_strcasecmp (member_columns[i].aliases[j], clean) == 0)
          return (int) i;
    }
  return -1;
}

/**
 * evg_member_field_get_choices:
 *
 * Every value evg_member_validate() accepts for a choice field is one of
 * these, so a form that offers them can show any valid stored value.
 *
 * Returns: (nullable): the values @field may take, or %NULL when it is not
 *   a choice field
 */
const EvgChoice *
evg_member_field_get_choices (EvgMemberField  field,
                              guint          *n_choices)
{
  g_return_val_if_fail (field < EVG_MEMBER_N_FIELDS, NULL);

  if (n_choices != NULL)
    *n_choices = member_columns[field].n_choices;
  return member_columns[field].choices;
}

static const EvgChoice *
find_choice (EvgMemberField  field,
             const char     *code)
{
  guint n;
  const EvgChoice *choices = evg_member_field_get_choices (field, &n);

  if (code == NULL)
    return NULL;
  for (guint i = 0; i < n; i++)
    if (g_str_equal (choices[i].code, code))
      return &choices[i];
  return NULL;
}

/**
 * evg_member_choice_label:
 *
 * Returns: the translated label of @code, or @code itself when unknown
 */
const char *
evg_member_choice_label (EvgMemberField  field,
                         const char     *code)
{
  const EvgChoice *choice = find_choice (field, code);

  return choice != NULL ? _(choice->label) : code;
}

/**
 * evg_member_choice_chinese:
 *
 * Returns: the national form's word for @code (男, 正式党员, …), or @code
 *   itself when unknown
 */
const char *
evg_member_choice_chinese (EvgMemberField  field,
                           const char     *code)
{
  const EvgChoice *choice = find_choice (field, code);

  return choice != NULL ? choice->chinese : code;
}

/**
 * evg_member_choice_parse:
 * @text: a code, its Chinese word or its English label
 *
 * Returns: (nullable): the code @text stands for, or %NULL.  For the
 *   ethnicity, the group's name (`汉` is taken as `汉族`).
 */
const char *
evg_member_choice_parse (EvgMemberField  field,
                         const char     *text)
{
  const EvgChoice *choices;
  guint n;

  if (text == NULL)
    return NULL;

  if (field == EVG_MEMBER_ETHNICITY)
    {
      for (guint i = 0; i < G_N_ELEMENTS (ethnicity_choices); i++)
        {
          const char *name = ethnicity_choices[i].code;
          gsize len = strlen (name) - strlen ("族");

          if (g_str_equal (name, text) || (strlen (text) == len && strncmp (name, text, len) == 0))
            return name;
        }
      return NULL;
    }

  choices = evg_member_field_get_choices (field, &n);
  for (guint i = 0; i < n; i++)
    if (g_str_equal (choices[i].code, text) || g_str_equal (choices[i].chinese, text) ||
        g_ascii_strcasecmp (choices[i].label, text) == 0)
      return choices[i].code;

  /* Words branches commonly use besides the form's own. */
  if (field == EVG_MEMBER_CATEGORY && (g_str_equal (text, "正式") || g_str_equal (text, "党员")))
    return "full";
  if (field == EVG_MEMBER_CATEGORY && g_str_equal (text, "预备"))
    return "probationary";
  if (field == EVG_MEMBER_STANDING && g_str_equal (text, "停止"))
    return "suspended";
  if (field == EVG_MEMBER_EDUCATION)
    {
      static const char * const words[][2] = {
        { "博士", "postgraduate" }, { "硕士", "postgraduate" }, { "博士研究生", "postgraduate" },
        { "硕士研究生", "postgraduate" }, { "本科", "bachelor" }, { "大专", "college" },
        { "专科", "college" }, { "中技", "secondary_vocational" }, { "技校", "secondary_vocational" },
        { "职高", "secondary_vocational" }, { "初中", "junior_or_below" }, { "小学", "junior_or_below" },
        { "初中及以下", "junior_or_below" },
      };

      for (guint i = 0; i < G_N_ELEMENTS (words); i++)
        if (g_str_equal (words[i][0], text))
          return words[i][1];
    }
  return NULL;
}

/* Whether @value is in the form the store keeps for @field. */
static gboolean
value_is_canonical (EvgMemberField  field,
                    const char     *value)
{
  g_autofree char *normal = NULL;
  guint y, m;

  switch (member_columns[field].kind)
    {
    case EVG_FIELD_KIND_CHOICE:
      return find_choice (field, value) != NULL;
    case EVG_FIELD_KIND_DATE:
      {
        GDate date;

        return strlen (value) == 10 && value[4] == '-' && value[7] == '-' &&
               evg_parse_date (value, &date);
      }
    case EVG_FIELD_KIND_YEAR_MONTH:
      return strlen (value) == 7 && evg_parse_year_month (value, &y, &m);
    case EVG_FIELD_KIND_MONEY:
      normal = evg_normalize_money (value);
      return g_strcmp0 (normal, value) == 0;
    case EVG_FIELD_KIND_BOOLEAN:
      return g_str_equal (value, "0") || g_str_equal (value, "1");
    case EVG_FIELD_KIND_ID_NUMBER:
      normal = evg_id_number_check (value);
      return normal == NULL;
    case EVG_FIELD_KIND_PHONE:
      normal = evg_phone_check (value);
      return normal == NULL;
    case EVG_FIELD_KIND_TEXT:
    case EVG_FIELD_KIND_PARTY_GROUP:
    default:
      return TRUE;
    }
}

static void
evg_member_finalize (GObject *object)
{
  EvgMember *self = (EvgMember *)object;

  for (guint i = 0; i < EVG_MEMBER_N_FIELDS; i++)
    g_free (self->values[i]);
  g_free (self->id);
  g_free (self->party_group_name);

  G_OBJECT_CLASS (evg_member_parent_class)->finalize (object);
}

static void
evg_member_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  EvgMember *self = EVG_MEMBER (object);
  GDate today;

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_PARTY_GROUP_NAME:
      g_value_set_string (value, self->party_group_name);
      break;
    case PROP_AGE:
      evg_date_set_today (&today);
      g_value_set_int (value, evg_member_get_age (self, &today));
      break;
    case PROP_PARTY_AGE:
      evg_date_set_today (&today);
      g_value_set_int (value, evg_member_get_party_age (self, &today));
      break;
    case PROP_DAYS_TO_FULL:
      evg_date_set_today (&today);
      g_value_set_int (value, evg_member_get_days_to_full (self, &today));
      break;
    case PROP_MASKED_ID_NUMBER:
      g_value_take_string (value, evg_member_dup_masked_id_number (self));
      break;
    case PROP_MASKED_PHONE:
      g_value_take_string (value, evg_member_dup_masked_phone (self));
      break;
    case PROP_IS_FULL:
      g_value_set_boolean (value, evg_member_is_full (self));
      break;
    case PROP_IS_FORMER:
      g_value_set_boolean (value, evg_member_is_former (self));
      break;
    default:
      if (prop_id >= PROP_FIRST_FIELD && prop_id < N_PROPS)
        {
          EvgMemberField field = prop_id - PROP_FIRST_FIELD;

          if (member_columns[field].kind == EVG_FIELD_KIND_BOOLEAN)
            g_value_set_boolean (value, g_strcmp0 (self->values[field], "1") == 0);
          else
            g_value_set_string (value, self->values[field]);
          break;
        }
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_member_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  EvgMember *self = EVG_MEMBER (object);

  switch (prop_id)
    {
    case PROP_ID:
      evg_member_set_id (self, g_value_get_string (value));
      break;
    case PROP_PARTY_GROUP_NAME:
      evg_member_set_party_group_name (self, g_value_get_string (value));
      break;
    default:
      if (prop_id >= PROP_FIRST_FIELD && prop_id < N_PROPS)
        {
          EvgMemberField field = prop_id - PROP_FIRST_FIELD;

          if (member_columns[field].kind == EVG_FIELD_KIND_BOOLEAN)
            evg_member_set (self, field, g_value_get_boolean (value) ? "1" : "0");
          else
            evg_member_set (self, field, g_value_get_string (value));
          break;
        }
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_member_class_init (EvgMemberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = evg_member_finalize;
  object_class->get_property = evg_member_get_property;
  object_class->set_property = evg_member_set_property;

  /**
   * EvgMember:id:
   *
   * The record's id in the store, %NULL for a member not yet saved.
   */
  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, rw);
  /**
   * EvgMember:party-group-name:
   *
   * The name of the member's 党小组, filled in by the roster for display.
   */
  properties[PROP_PARTY_GROUP_NAME] = g_param_spec_string ("party-group-name", NULL, NULL, NULL, rw);
  /* The derived values are counted up to today and never stored. */
  properties[PROP_AGE] = g_param_spec_int ("age", NULL, NULL, G_MININT, G_MAXINT, EVG_MEMBER_NONE, ro);
  properties[PROP_PARTY_AGE] =
    g_param_spec_int ("party-age", NULL, NULL, G_MININT, G_MAXINT, EVG_MEMBER_NONE, ro);
  properties[PROP_DAYS_TO_FULL] =
    g_param_spec_int ("days-to-full", NULL, NULL, G_MININT, G_MAXINT, EVG_MEMBER_NONE, ro);
  properties[PROP_MASKED_ID_NUMBER] = g_param_spec_string ("masked-id-number", NULL, NULL, NULL, ro);
  properties[PROP_MASKED_PHONE] = g_param_spec_string ("masked-phone", NULL, NULL, NULL, ro);
  properties[PROP_IS_FULL] = g_param_spec_boolean ("is-full", NULL, NULL, FALSE, ro);
  properties[PROP_IS_FORMER] = g_param_spec_boolean ("is-former", NULL, NULL, FALSE, ro);

  /* One property per field, named after its column: "id-number", … */
  for (guint i = 0; i < EVG_MEMBER_N_FIELDS; i++)
    {
      g_autofree char *name = g_strdelimit (g_strdup (member_columns[i].name), "_", '-');
      const char *interned = g_intern_string (name);

      if (member_columns[i].kind == EVG_FIELD_KIND_BOOLEAN)
        properties[PROP_FIRST_FIELD + i] = g_param_spec_boolean (interned, NULL, NULL, FALSE, rw);
      else
        properties[PROP_FIRST_FIELD + i] = g_param_spec_string (interned, NULL, NULL, NULL, rw);
    }

  g_object_class_install_properties (object_class, N_PROPS, properties);
  notify_signal = g_signal_lookup ("notify", G_TYPE_OBJECT);
}

static void
evg_member_init (EvgMember *self)
{
  self->values[EVG_MEMBER_LOST_CONTACT] = g_strdup ("0");
  self->values[EVG_MEMBER_MOBILE_MEMBER] = g_strdup ("0");
}

EvgMember *
evg_member_new (void)
{
  return g_object_new (EVG_TYPE_MEMBER, NULL);
}

/* Makes @self what evg_member_new() makes, for an import that checks row
 * after row with one member rather than making 100,000 objects.  Nobody
 * may be watching it. */
void
evg_member_reset (EvgMember *self)
{
  for (guint i = 0; i < EVG_MEMBER_N_FIELDS; i++)
    g_clear_pointer (&self->values[i], g_free);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->party_group_name, g_free);
  evg_member_init (self);
}

/**
 * evg_member_copy:
 *
 * Returns: (transfer full): a new member with the same id and values, for
 *   an editor to change without touching the roster's copy
 */
EvgMember *
evg_member_copy (EvgMember *self)
{
  EvgMember *copy;

  g_return_val_if_fail (EVG_IS_MEMBER (self), NULL);

  copy = evg_member_new ();
  copy->id = g_strdup (self->id);
  copy->party_group_name = g_strdup (self->party_group_name);
  for (guint i = 0; i < EVG_MEMBER_N_FIELDS; i++)
    {
      g_free (copy->values[i]);
      copy->values[i] = g_strdup (self->values[i]);
    }
  return copy;
}

const char *
evg_member_get_id (EvgMember *self)
{
  g_return_val_if_fail (EVG_IS_MEMBER (self), NULL);
  return self->id;
}

void
evg_member_set_id (EvgMember  *self,
                   const char *id)
{
  g_return_if_fail (EVG_IS_MEMBER (self));

  if (g_strcmp0 (self->id, id) == 0)
    return;
  g_free (self->id);
  self->id = g_strdup (id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
evg_member_get (EvgMember      *self,
                EvgMemberField  field)
{
  g_return_val_if_fail (EVG_IS_MEMBER (self), NULL);
  g_return_val_if_fail (field < EVG_MEMBER_N_FIELDS, NULL);
  return self->values[field];
}

/* The derived properties that depend on @field. */
static void
notify_derived (EvgMember      *self,
                EvgMemberField  field)
{
  GObject *object = G_OBJECT (self);

  switch (field)
    {
    case EVG_MEMBER_BIRTH_DATE:
      g_object_notify_by_pspec (object, properties[PROP_AGE]);
      break;
    case EVG_MEMBER_CATEGORY:
      g_object_notify_by_pspec (object, properties[PROP_IS_FULL]);
      g_object_notify_by_pspec (object, properties[PROP_PARTY_AGE]);
      g_object_notify_by_pspec (object, properties[PROP_DAYS_TO_FULL]);
      break;
    case EVG_MEMBER_FULL_MEMBER_ON:
      g_object_notify_by_pspec (object, properties[PROP_PARTY_AGE]);
      break;
    case EVG_MEMBER_JOINED_ON:
      g_object_notify_by_pspec (object, properties[PROP_DAYS_TO_FULL]);
      break;
    case EVG_MEMBER_ID_NUMBER:
      g_object_notify_by_pspec (object, properties[PROP_MASKED_ID_NUMBER]);
      break;
    case EVG_MEMBER_PHONE:
      g_object_notify_by_pspec (object, properties[PROP_MASKED_PHONE]);
      break;
    case EVG_MEMBER_LEFT_REASON:
      g_object_notify_by_pspec (object, properties[PROP_IS_FORMER]);
      break;
    default:
      break;
    }
}

/**
 * evg_member_set:
 * @value: (nullable): the value in the store's form; %NULL or "" clears it
 *
 * Sets a field as stored.  To take a value as people write it, use
 * evg_member_set_text().
 */
void
evg_member_set (EvgMember      *self,
                EvgMemberField  field,
                const char     *value)
{
  g_return_if_fail (EVG_IS_MEMBER (self));
  g_return_if_fail (field < EVG_MEMBER_N_FIELDS);

  if (value != NULL && *value == '\0')
    value = NULL;
  if (member_columns[field].kind == EVG_FIELD_KIND_BOOLEAN && value == NULL)
    value = "0";
  if (g_strcmp0 (self->values[field], value) == 0)
    return;

  g_free (self->values[field]);
  self->values[field] = g_strdup (value);

  /* Most members are made by an import or a list and watched by nobody;
   * GLib 2.74 does not skip the notification work by itself. */
  if (!g_signal_has_handler_pending (self, notify_signal, 0, TRUE))
    return;

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIRST_FIELD + field]);
  notify_derived (self, field);
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
parse_boolean (const char *text,
               gboolean   *value)
{
  static const char * const yes[] = { "是", "1", "true", "yes", "y", "√", "✓" };
  static const char * const no[] = { "否", "0", "false", "no", "n" };

  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    if (g_ascii_strcasecmp (yes[i], text) == 0)
      return *value = TRUE, TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    if (g_ascii_strcasecmp (no[i], text) == 0)
      return *value = FALSE, TRUE;
  return FALSE;
}

/**
 * evg_member_set_text:
 * @text: (nullable): the value as typed or read from a spreadsheet
 *
 * Sets a field from what people write: dates as `2001/7/1` or
 * `2001年7月1日`, 男/女, 正式党员, 是/否, and so on, stored in the store's
 * form.  Text that cannot be read is kept as it is, so that
 * evg_member_validate() reports it.  A party group is taken as an id here;
 * the roster resolves names.
 *
 * Returns: %TRUE when @text was understood (or is empty)
 */
gboolean
evg_member_set_text (EvgMember      *self,
                     EvgMemberField  field,
                     const char     *text)
{
  const char *value;

  g_return_val_if_fail (EVG_IS_MEMBER (self), FALSE);
  g_return_val_if_fail (field < EVG_MEMBER_N_FIELDS, FALSE);

  evg_member_take_text (self, field, text);
  value = self->values[field];
  return value == NULL || (member_columns[field].kind == EVG_FIELD_KIND_BOOLEAN && g_str_equal (value, "0")) ||
         value_is_canonical (field, value);
}

/* evg_member_set_text() without saying whether the text was understood,
 * which costs a second look at it: for imports, which validate anyway. */
void
evg_member_take_text (EvgMember      *self,
                      EvgMemberField  field,
                      const char     *text)
{
  g_autofree char *stripped = NULL;
  g_autofree char *normal = NULL;
  const char *value = text != NULL ? text : "";
  gsize len = strlen (value);
  gboolean flag;

  /* An import takes a million and a half cells, nearly all without spaces
   * around them: copy only those that have some. */
  if (len > 0 && (g_ascii_isspace (value[0]) || g_ascii_isspace (value[len - 1])))
    value = stripped = g_strstrip (g_strdup (value));

  if (*value != '\0')
    {
      switch (member_columns[field].kind)
        {
        case EVG_FIELD_KIND_CHOICE:
          {
            const char *code = evg_member_choice_parse (field, value);

            if (code == NULL)
              break;
            value = code;
          }
          break;
        case EVG_FIELD_KIND_DATE:
          normal = evg_normalize_date (value);
          break;
        case EVG_FIELD_KIND_YEAR_MONTH:
          normal = evg_normalize_year_month (value);
          break;
        case EVG_FIELD_KIND_MONEY:
          normal = evg_normalize_money (value);
          break;
        case EVG_FIELD_KIND_BOOLEAN:
          if (parse_boolean (value, &flag))
            value = flag ? "1" : "0";
          break;
        case EVG_FIELD_KIND_ID_NUMBER:
          normal = evg_id_number_normalize (value);
          break;
        case EVG_FIELD_KIND_PHONE:
          normal = evg_phone_normalize (value);
          break;
        case EVG_FIELD_KIND_TEXT:
        case EVG_FIELD_KIND_PARTY_GROUP:
        default:
          break;
        }
      if (normal != NULL)
        value = normal;
    }

  evg_member_set (self, field, value);
}

/* Whether @a and @b hold the same values, ignoring their ids. */
gboolean
evg_member_equal_fields (EvgMember *a,
                         EvgMember *b)
{
  g_return_val_if_fail (EVG_IS_MEMBER (a) && EVG_IS_MEMBER (b), FALSE);

  for (guint i = 0; i < EVG_MEMBER_N_FIELDS; i++)
    if (g_strcmp0 (a->values[i], b->values[i]) != 0)
      return FALSE;
  return TRUE;
}

const char *
evg_member_get_name (EvgMember *self)
{
  return evg_member_get (self, EVG_MEMBER_NAME);
}

const char *
evg_member_get_id_number (EvgMember *self)
{
  return evg_member_get (self, EVG_MEMBER_ID_NUMBER);
}

const char *
evg_member_get_party_group_name (EvgMember *self)
{
  g_return_val_if_fail (EVG_IS_MEMBER (self), NULL);
  return self->party_group_name;
}

void
evg_member_set_party_group_name (EvgMember  *self,
                                 const char *name)
{
  g_return_if_fail (EVG_IS_MEMBER (self));

  if (g_strcmp0 (self->party_group_name, name) == 0)
    return;
  g_free (self->party_group_name);
  self->party_group_name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PARTY_GROUP_NAME]);
}

gboolean
evg_member_is_full (EvgMember *self)
{
  return g_strcmp0 (evg_member_get (self, EVG_MEMBER_CATEGORY), "full") == 0;
}

/* A former member has left the branch (转出, 去世, …) and is kept on record. */
gboolean
evg_member_is_former (EvgMember *self)
{
  return evg_member_get (self, EVG_MEMBER_LEFT_REASON) != NULL;
}

gboolean
evg_member_get_lost_contact (EvgMember *self)
{
  return g_strcmp0 (evg_member_get (self, EVG_MEMBER_LOST_CONTACT), "1") == 0;
}

gboolean
evg_member_get_mobile_member (EvgMember *self)
{
  return g_strcmp0 (evg_member_get (self, EVG_MEMBER_MOBILE_MEMBER), "1") == 0;
}

/**
 * evg_member_get_age:
 * @today: the day to count to
 *
 * Returns: the age in whole years, or %EVG_MEMBER_NONE without a birth date
 */
int
evg_member_get_age (EvgMember   *self,
                    const GDate *today)
{
  GDate birth;

  g_return_val_if_fail (EVG_IS_MEMBER (self), EVG_MEMBER_NONE);
  g_return_val_if_fail (today != NULL, EVG_MEMBER_NONE);

  if (!evg_parse_date (self->values[EVG_MEMBER_BIRTH_DATE], &birth))
    return EVG_MEMBER_NONE;
  return MAX (0, evg_date_years_between (&birth, today));
}

/**
 * evg_member_get_party_age:
 *
 * 党龄: whole years since the member became a full member.  The probation
 * year does not count, so a probationary member has none.
 *
 * Returns: the years, or %EVG_MEMBER_NONE
 */
int
evg_member_get_party_age (EvgMember   *self,
                          const GDate *today)
{
  GDate full_on;

  g_return_val_if_fail (EVG_IS_MEMBER (self), EVG_MEMBER_NONE);
  g_return_val_if_fail (today != NULL, EVG_MEMBER_NONE);

  if (!evg_member_is_full (self) ||
      !evg_parse_date (self->values[EVG_MEMBER_FULL_MEMBER_ON], &full_on) ||
      g_date_compare (&full_on, today) > 0)
    return EVG_MEMBER_NONE;
  return evg_date_years_between (&full_on, today);
}

/**
 * evg_member_get_days_to_full:
 *
 * The 转正 countdown: days from @today to one year after the member joined,
 * when the probation ends.  Negative once that day has passed without the
 * member being made a full member.
 *
 * Returns: the days, or %EVG_MEMBER_NONE for a full member or without a
 *   joining date
 */
int
evg_member_get_days_to_full (EvgMember   *self,
                             const GDate *today)
{
  GDate due;

  g_return_val_if_fail (EVG_IS_MEMBER (self), EVG_MEMBER_NONE);
  g_return_val_if_fail (today != NULL, EVG_MEMBER_NONE);

  if (g_strcmp0 (self->values[EVG_MEMBER_CATEGORY], "probationary") != 0 ||
      !evg_parse_date (self->values[EVG_MEMBER_JOINED_ON], &due))
    return EVG_MEMBER_NONE;
  g_date_add_years (&due, 1);
  return g_date_days_between (today, &due);
}

char *
evg_member_dup_masked_id_number (EvgMember *self)
{
  g_return_val_if_fail (EVG_IS_MEMBER (self), NULL);
  return evg_mask_id_number (self->values[EVG_MEMBER_ID_NUMBER]);
}

char *
evg_member_dup_masked_phone (EvgMember *self)
{
  g_return_val_if_fail (EVG_IS_MEMBER (self), NULL);
  return evg_mask_phone (self->values[EVG_MEMBER_PHONE]);
}

/**
 * evg_member_dup_display:
 *
 * Returns: (transfer full): @field as a person reads it: choices by their
 *   translated label, flags as Yes/No, the party group by its name; ID
 *   number and phone in full (mask them with the masked-* properties)
 */
char *
evg_member_dup_display (EvgMember      *self,
                        EvgMemberField  field)
{
  const char *value;

  g_return_val_if_fail (EVG_IS_MEMBER (self), NULL);
  g_return_val_if_fail (field < EVG_MEMBER_N_FIELDS, NULL);

  value = self->values[field];
  switch (member_columns[field].kind)
    {
    case EVG_FIELD_KIND_CHOICE:
      return g_strdup (value != NULL ? evg_member_choice_label (field, value) : "");
    case EVG_FIELD_KIND_BOOLEAN:
      return g_strdup (g_strcmp0 (value, "1") == 0 ? _("Yes") : _("No"));
    case EVG_FIELD_KIND_PARTY_GROUP:
      return g_strdup (self->party_group_name != NULL ? self->party_group_name : "");
    default:
      return g_strdup (value != NULL ? value : "");
    }
}

/**
 * evg_member_complete:
 *
 * Fills what a valid ID number tells when the record leaves it blank: the
 * birth date and the gender.  A blank standing becomes 正常.
 */
void
evg_member_complete (EvgMember *self)
{
  const char *id_number;
  g_autofree char *problem = NULL;
  GDate birth;

  g_return_if_fail (EVG_IS_MEMBER (self));

  if (self->values[EVG_MEMBER_STANDING] == NULL)
    evg_member_set (self, EVG_MEMBER_STANDING, "normal");

  id_number = self->values[EVG_MEMBER_ID_NUMBER];
  if (id_number == NULL || (problem = evg_id_number_check (id_number)) != NULL)
    return;

  if (self->values[EVG_MEMBER_BIRTH_DATE] == NULL && evg_id_number_get_birth_date (id_number, &birth))
    {
      g_autofree char *text = evg_format_date (&birth);

      evg_member_set (self, EVG_MEMBER_BIRTH_DATE, text);
    }
  if (self->values[EVG_MEMBER_GENDER] == NULL)
    evg_member_set (self, EVG_MEMBER_GENDER, evg_id_number_get_gender (id_number));
}

static void
add_issue (GPtrArray      *issues,
           EvgMemberField  field,
           char           *message)
{
  g_ptr_array_add (issues, evg_validation_issue_new (member_columns[field].field, message));
  g_free (message);
}

static gboolean
check_date (GPtrArray      *issues,
            EvgMember      *self,
            EvgMemberField  field,
            const GDate    *today,
            GDate          *date)
{
  const char *value = self->values[field];

  if (!evg_parse_date (value, date) || !value_is_canonical (field, value))
    {
      add_issue (issues, field,
                 g_strdup_printf (_("“%s” is not a date; write it as 2001-07-01, 2001/7/1 "
                                    "or 2001年7月1日."), value));
      return FALSE;
    }
  if (g_date_compare (date, today) > 0)
    {
      add_issue (issues, field, g_strdup (_("The date is in the future.")));
      return FALSE;
    }
  return TRUE;
}

static void
require (GPtrArray      *issues,
         EvgMember      *self,
         EvgMemberField  field)
{
  if (self->values[field] == NULL)
    add_issue (issues, field, g_strdup_printf (_("%s is required."), _(member_columns[field].label)));
}

/**
 * evg_member_validate:
 * @today: the day the rules are checked against
 *
 * Checks every rule of a member record that needs no other record: the
 * form of each value, the ID number and what it says about the birth date
 * and gender, the order of the dates, and the required fields.  The roster
 * adds the checks that need the store (a duplicate ID number, an unknown
 * party group).
 *
 * Returns: (transfer container) (element-type EvgValidationIssue): the
 *   problems, empty when the record may be saved
 */
GPtrArray *
evg_member_validate (EvgMember   *self,
                     const GDate *today)
{
  GPtrArray *issues = g_ptr_array_new_with_free_func ((GDestroyNotify) evg_validation_issue_free);
  const char *id_number, *category;
  GDate birth, joined, full_on, date;
  gboolean have_birth = FALSE, have_joined = FALSE, id_ok = FALSE;

  g_return_val_if_fail (EVG_IS_MEMBER (self), issues);
  g_return_val_if_fail (today != NULL, issues);

  for (guint i = 0; i < EVG_MEMBER_N_FIELDS; i++)
    if (i != EVG_MEMBER_NAME && member_columns[i].kind == EVG_FIELD_KIND_TEXT &&
        self->values[i] != NULL && g_utf8_strlen (self->values[i], -1) > 500)
      add_issue (issues, i, g_strdup (_("The text is too long; keep it under 500 characters.")));

  /* 1 姓名 */
  require (issues, self, EVG_MEMBER_NAME);
  if (self->values[EVG_MEMBER_NAME] != NULL && g_utf8_strlen (self->values[EVG_MEMBER_NAME], -1) > 50)
    add_issue (issues, EVG_MEMBER_NAME, g_strdup (_("The name is too long.")));

  /* 4 公民身份证号, first: the birth date and gender are checked against it. */
  id_number = self->values[EVG_MEMBER_ID_NUMBER];
  require (issues, self, EVG_MEMBER_ID_NUMBER);
  if (id_number != NULL)
    {
      char *problem = evg_id_number_check (id_number);

      if (problem != NULL)
        add_issue (issues, EVG_MEMBER_ID_NUMBER, problem);
      else
        id_ok = TRUE;
    }

  /* 2 性别 (a valid ID number fills it in; a wrong one is reported once) */
  if (id_number == NULL || id_ok)
    require (issues, self, EVG_MEMBER_GENDER);
  if (self->values[EVG_MEMBER_GENDER] != NULL)
    {
      const char *gender = self->values[EVG_MEMBER_GENDER];

      if (!value_is_canonical (EVG_MEMBER_GENDER, gender))
        add_issue (issues, EVG_MEMBER_GENDER,
                   g_strdup_printf (_("“%s” is not a gender; choose 男 or 女."), gender));
      else if (id_ok && !g_str_equal (evg_id_number_get_gender (id_number), gender))
        add_issue (issues, EVG_MEMBER_GENDER,
                   g_strdup (g_str_equal (gender, "male")
                             ? _("The ID number belongs to a woman (its 17th digit is even).")
                             : _("The ID number belongs to a man (its 17th digit is odd).")));
    }

  /* 3 民族 */
  if (self->values[EVG_MEMBER_ETHNICITY] != NULL &&
      !value_is_canonical (EVG_MEMBER_ETHNICITY, self->values[EVG_MEMBER_ETHNICITY]))
    add_issue (issues, EVG_MEMBER_ETHNICITY,
               g_strdup_printf (_("“%s” is not one of the 56 ethnic groups."),
                                self->values[EVG_MEMBER_ETHNICITY]));

  /* 5 出生日期 */
  if (id_number == NULL || id_ok)
    require (issues, self, EVG_MEMBER_BIRTH_DATE);
  if (self->values[EVG_MEMBER_BIRTH_DATE] != NULL &&
      check_date (issues, self, EVG_MEMBER_BIRTH_DATE, today, &birth))
    {
      have_birth = TRUE;
      if (id_ok && evg_id_number_get_birth_date (id_number, &date) && g_date_compare (&date, &birth) != 0)
        add_issue (issues, EVG_MEMBER_BIRTH_DATE,
                   g_strdup_printf (_("The birth date does not match the ID number, "
                                      "which says %.4s-%.2s-%.2s."),
                                    id_number + 6, id_number + 10, id_number + 12));
    }

  /* 6 学历 */
  if (self->values[EVG_MEMBER_EDUCATION] != NULL &&
      !value_is_canonical (EVG_MEMBER_EDUCATION, self->values[EVG_MEMBER_EDUCATION]))
    add_issue (issues, EVG_MEMBER_EDUCATION,
               g_strdup_printf (_("“%s” is not a level of education the form knows "
                                  "(研究生, 大学本科, 大学专科, 中专, 高中, 初中及以下)."),
                                self->values[EVG_MEMBER_EDUCATION]));

  /* 7 人员类别 */
  category = self->values[EVG_MEMBER_CATEGORY];
  require (issues, self, EVG_MEMBER_CATEGORY);
  if (category != NULL && !value_is_canonical (EVG_MEMBER_CATEGORY, category))
    {
      add_issue (issues, EVG_MEMBER_CATEGORY,
                 g_strdup_printf (_("“%s” is not a category; choose 正式党员 or 预备党员."), category));
      category = NULL;
    }

  /* 9 加入党组织日期: the Party admits people of 18 and over. */
  require (issues, self, EVG_MEMBER_JOINED_ON);
  if (self->values[EVG_MEMBER_JOINED_ON] != NULL &&
      check_date (issues, self, EVG_MEMBER_JOINED_ON, today, &joined))
    {
      have_joined = TRUE;
      if (have_birth && g_date_compare (&joined, &birth) < 0)
        add_issue (issues, EVG_MEMBER_JOINED_ON,
                   g_strdup (_("The joining date is before the birth date; "
                               "check both dates.")));
      else if (have_birth && evg_date_years_between (&birth, &joined) < 18)
        add_issue (issues, EVG_MEMBER_JOINED_ON,
                   g_strdup (_("The member joined before their 18th birthday; "
                               "check the joining date and the birth date.")));
    }

  /* 10 转为正式党员日期: only for full members, a year or more after joining. */
  if (g_strcmp0 (category, "probationary") == 0 && self->values[EVG_MEMBER_FULL_MEMBER_ON] != NULL)
    add_issue (issues, EVG_MEMBER_FULL_MEMBER_ON,
               g_strdup (_("A probationary member has no full-member date yet; clear it "
                           "or make the member a full member.")));
  else if (g_strcmp0 (category, "full") == 0)
    {
      require (issues, self, EVG_MEMBER_FULL_MEMBER_ON);
      if (self->values[EVG_MEMBER_FULL_MEMBER_ON] != NULL &&
          check_date (issues, self, EVG_MEMBER_FULL_MEMBER_ON, today, &full_on) && have_joined)
        {
          GDate year_after = joined;

          g_date_add_years (&year_after, 1);
          if (g_date_compare (&full_on, &year_after) < 0)
            add_issue (issues, EVG_MEMBER_FULL_MEMBER_ON,
                       g_strdup (_("A member becomes a full member at least one year "
                                   "after joining.")));
        }
    }

  /* 12 联系电话 */
  if (self->values[EVG_MEMBER_PHONE] != NULL)
    {
      char *problem = evg_phone_check (self->values[EVG_MEMBER_PHONE]);

      if (problem != NULL)
        add_issue (issues, EVG_MEMBER_PHONE, problem);
    }

  /* 14 党籍状态 */
  if (self->values[EVG_MEMBER_STANDING] != NULL &&
      !value_is_canonical (EVG_MEMBER_STANDING, self->values[EVG_MEMBER_STANDING]))
    add_issue (issues, EVG_MEMBER_STANDING,
               g_strdup_printf (_("“%s” is not a standing; choose 正常, 留党察看 or 停止党籍."),
                                self->values[EVG_MEMBER_STANDING]));

  /* 15, 16: flags and their details. */
  for (guint i = 0; i < EVG_MEMBER_N_FIELDS; i++)
    if (member_columns[i].kind == EVG_FIELD_KIND_BOOLEAN && !value_is_canonical (i, self->values[i]))
      add_issue (issues, i, g_strdup_printf (_("“%s” is not yes or no; write 是 or 否."),
                                             self->values[i]));
  if (self->values[EVG_MEMBER_LOST_CONTACT_ON] != NULL)
    {
      if (!evg_member_get_lost_contact (self))
        add_issue (issues, EVG_MEMBER_LOST_CONTACT_ON,
                   g_strdup (_("Only a member who lost contact has a date of losing contact.")));
      else
        check_date (issues, self, EVG_MEMBER_LOST_CONTACT_ON, today, &date);
    }

  /* The roster's own fields. */
  if (self->values[EVG_MEMBER_DUES_MONTHLY] != NULL &&
      !value_is_canonical (EVG_MEMBER_DUES_MONTHLY, self->values[EVG_MEMBER_DUES_MONTHLY]))
    add_issue (issues, EVG_MEMBER_DUES_MONTHLY,
               g_strdup_printf (_("“%s” is not an amount in yuan, such as 12.50."),
                                self->values[EVG_MEMBER_DUES_MONTHLY]));
  if (self->values[EVG_MEMBER_DUES_PAID_UNTIL] != NULL &&
      !value_is_canonical (EVG_MEMBER_DUES_PAID_UNTIL, self->values[EVG_MEMBER_DUES_PAID_UNTIL]))
    add_issue (issues, EVG_MEMBER_DUES_PAID_UNTIL,
               g_strdup_printf (_("“%s” is not a month; write it as 2024-06 or 2024年6月."),
                                self->values[EVG_MEMBER_DUES_PAID_UNTIL]));

  if (self->values[EVG_MEMBER_LEFT_REASON] != NULL &&
      !value_is_canonical (EVG_MEMBER_LEFT_REASON, self->values[EVG_MEMBER_LEFT_REASON]))
    add_issue (issues, EVG_MEMBER_LEFT_REASON,
               g_strdup_printf (_("“%s” is not a way of leaving the branch; choose 转出, 去世, "
                                  "出党, 退党 or 除名."), self->values[EVG_MEMBER_LEFT_REASON]));
  if (self->values[EVG_MEMBER_LEFT_REASON] != NULL && self->values[EVG_MEMBER_LEFT_ON] == NULL)
    add_issue (issues, EVG_MEMBER_LEFT_ON, g_strdup (_("Give the date the member left the branch.")));
  if (self->values[EVG_MEMBER_LEFT_ON] != NULL)
    {
      if (self->values[EVG_MEMBER_LEFT_REASON] == NULL)
        add_issue (issues, EVG_MEMBER_LEFT_REASON,
                   g_strdup (_("Give the way the member left the branch.")));
      else if (check_date (issues, self, EVG_MEMBER_LEFT_ON, today, &date) && have_joined &&
               g_date_compare (&date, &joined) < 0)
        add_issue (issues, EVG_MEMBER_LEFT_ON,
                   g_strdup (_("The member cannot leave the branch before joining the Party; "
                               "check the leaving date.")));
    }

  return issues;
}

/**
 * evg_member_check_column:
 * @column: an #EvgMemberField, which is also the column's index in the
 *   member table's spec
 * @text: a value as stored
 *
 * What the sync protocol and EvgTxn check of a stored member value: its
 * form (a date, one of the choices, an amount), as the editor and the
 * importer store it.  Rules that tie fields together (an ID number and a
 * birth date) stay with evg_member_validate(): a change carries some
 * fields only.
 *
 * Returns: (nullable): %NULL when @text fits, else why not (English)
 */
const char *
evg_member_check_column (guint       column,
                         const char *text)
{
  g_return_val_if_fail (column < EVG_MEMBER_N_FIELDS, "no such column");
  g_return_val_if_fail (text != NULL, "no value");

  if (member_columns[column].kind == EVG_FIELD_KIND_PARTY_GROUP)
    {
      return evg_sync_id_is_valid (text) ? NULL : "not the id of a party group";
    }
  /* ID numbers and phones by their characters only: their finer rules
   * (the check digit, which numbers are mobile) are the roster's policy,
   * which may change, and a record stored under older rules must still
   * sync. */
  if (member_columns[column].kind == EVG_FIELD_KIND_ID_NUMBER ||
      member_columns[column].kind == EVG_FIELD_KIND_PHONE)
    {
      gboolean id = member_columns[column].kind == EVG_FIELD_KIND_ID_NUMBER;

      for (const char *p = text; *p != '\0'; p++)
        if (!g_ascii_isdigit (*p) &&
            !(id ? (*p == 'X' && p[1] == '\0')
                 : (*p == '-' || *p == '+' || *p == ' ' || *p == '(' || *p == ')')))
          return id ? "not an ID number" : "not a phone number";
      return *text == '\0' || strlen (text) > (id ? 18 : 32)
             ? (id ? "not an ID number" : "not a phone number") : NULL;
    }
  /* 民族 is held to its length: besides the 56 there are groups not yet
   * recognised (穿青人) and people of foreign descent, whom the roster
   * must be able to keep as they are. */
  if (member_columns[column].kind == EVG_FIELD_KIND_TEXT || column == EVG_MEMBER_ETHNICITY)
    return column == EVG_MEMBER_ETHNICITY && g_utf8_strlen (text, -1) > 20 ? "too long" : NULL;
  return value_is_canonical (column, text) ? NULL : "not in the form the roster stores";
}
