/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "evg-member.h"
#include "evg-pinyin.h"
#include "evg-validate.h"

static void
test_id_number_check_digit (void)
{
  /* The GB 11643 example, and numbers whose check digit is 0…9. */
  g_assert_cmpint (evg_id_number_check_char ("11010519491231002"), ==, 'X');
  g_assert_cmpint (evg_id_number_check_char ("11010519800101001"), ==, '6');
  g_assert_cmpint (evg_id_number_check_char ("44030119900615123"), ==, '6');
  g_assert_cmpint (evg_id_number_check_char ("11010520100101001"), ==, '0');
  g_assert_cmpint (evg_id_number_check_char ("1101051949123100"), ==, '\0');
  g_assert_cmpint (evg_id_number_check_char ("1101051949123100A"), ==, '\0');
}

static void
assert_id_ok (const char *id)
{
  g_autofree char *problem = evg_id_number_check (id);

  if (problem != NULL)
    g_error ("%s rejected: %s", id, problem);
}

static void
assert_id_bad (const char *id)
{
  g_autofree char *problem = evg_id_number_check (id);

  g_assert_nonnull (problem);
  g_assert_cmpstr (problem, !=, "");
}

static void
test_id_number_valid (void)
{
  g_autofree char *lower = evg_id_number_normalize (" 11010519491231002x ");
  g_autofree char *wide = evg_id_number_normalize ("１１０１０５１９４９１２３１００２Ｘ");
  GDate date;

  assert_id_ok ("11010519491231002X");
  assert_id_ok ("110105198001010016");
  assert_id_ok ("11010520000229003X");   /* 29 February of a leap year */
  g_assert_cmpstr (lower, ==, "11010519491231002X");
  g_assert_cmpstr (wide, ==, "11010519491231002X");

  g_assert_true (evg_id_number_get_birth_date ("11010519491231002X", &date));
  g_assert_cmpint (g_date_get_year (&date), ==, 1949);
  g_assert_cmpint (g_date_get_month (&date), ==, 12);
  g_assert_cmpint (g_date_get_day (&date), ==, 31);
  g_assert_cmpstr (evg_id_number_get_gender ("110105198001010016"), ==, "male");
  g_assert_cmpstr (evg_id_number_get_gender ("110105198001010024"), ==, "female");
}

static void
test_id_number_invalid (void)
{
  assert_id_bad ("11010519491231002");      /* 17 characters */
  assert_id_bad ("11010519491231002X1");    /* 19 */
  assert_id_bad ("110105194912310029");     /* wrong check digit */
  assert_id_bad ("11010519491231002x");     /* not normalised */
  assert_id_bad ("1101051949123100AX");     /* a letter inside */
  assert_id_bad ("110105199002300010");     /* 30 February */
  assert_id_bad ("110105199013010010");     /* month 13 */
  assert_id_bad ("11010519010229001X");     /* 1901 is no leap year */
  assert_id_bad ("010105198001010016");     /* no such region */
  assert_id_bad ("110105290001010010");     /* born in the future */
  assert_id_bad ("张三");
}

static void
test_dates (void)
{
  static const struct { const char *in; const char *out; } vectors[] = {
    { "2001-07-01", "2001-07-01" },
    { "2001-7-1", "2001-07-01" },
    { "2001/7/1", "2001-07-01" },
    { "2001/07/01", "2001-07-01" },
    { "2001.7.1", "2001-07-01" },
    { "2001年7月1日", "2001-07-01" },
    { "2001年07月01日", "2001-07-01" },
    { "2001年7月1", "2001-07-01" },
    { " 20010701 ", "2001-07-01" },
    { "2001/7/1 0:00", "2001-07-01" },
    { "2000-02-29", "2000-02-29" },
    { "1900-02-29", NULL },
    { "2001-02-29", NULL },
    { "2001-13-01", NULL },
    { "2001-00-10", NULL },
    { "2001/7-1", NULL },
    { "2001年7-1", NULL },
    { "01-07-2001", NULL },
    { "2001", NULL },
    { "yesterday", NULL },
    { "", NULL },
    { "1899-12-31", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *out = evg_normalize_date (vectors[i].in);

      g_assert_cmpstr (out, ==, vectors[i].out);
    }

  {
    g_autofree char *a = evg_normalize_year_month ("2024年6月");
    g_autofree char *b = evg_normalize_year_month ("2024/6");
    g_autofree char *c = evg_normalize_year_month ("2024-13");

    g_assert_cmpstr (a, ==, "2024-06");
    g_assert_cmpstr (b, ==, "2024-06");
    g_assert_null (c);
  }
}

static void
test_years_between (void)
{
  GDate a, b;

  g_date_clear (&a, 1);
  g_date_clear (&b, 1);
  g_date_set_dmy (&a, 29, 2, 2004);
  g_date_set_dmy (&b, 28, 2, 2022);
  g_assert_cmpint (evg_date_years_between (&a, &b), ==, 17);
  g_date_set_dmy (&b, 1, 3, 2022);
  g_assert_cmpint (evg_date_years_between (&a, &b), ==, 18);
  g_date_set_dmy (&a, 1, 7, 2001);
  g_date_set_dmy (&b, 30, 6, 2002);
  g_assert_cmpint (evg_date_years_between (&a, &b), ==, 0);
  g_date_set_dmy (&b, 1, 7, 2002);
  g_assert_cmpint (evg_date_years_between (&a, &b), ==, 1);
}

static void
test_phones (void)
{
  static const char * const good[] = {
    "13812345678", "19912345678", "010-12345678", "0755-1234567", "01012345678",
    "010-12345678-801", "62345678", "400-123-4567",
  };
  static const char * const bad[] = {
    "12812345678", "1381234567", "138123456789", "abc", "010-123", "0-12345678",
    "1381234567x", "+1 555 0100",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *problem = evg_phone_check (good[i]);

      if (problem != NULL)
        g_error ("%s rejected: %s", good[i], problem);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *problem = evg_phone_check (bad[i]);

      if (problem == NULL)
        g_error ("%s accepted", bad[i]);
    }

  {
    g_autofree char *a = evg_phone_normalize ("+86 138-1234-5678");
    g_autofree char *b = evg_phone_normalize ("１３８ １２３４ ５６７８");
    g_autofree char *c = evg_phone_normalize ("010-1234 5678");

    g_assert_cmpstr (a, ==, "13812345678");
    g_assert_cmpstr (b, ==, "13812345678");
    g_assert_cmpstr (c, ==, "010-12345678");
  }
}

static void
test_masks (void)
{
  g_autofree char *id = evg_mask_id_number ("11010519491231123X");
  g_autofree char *mobile = evg_mask_phone ("13812345678");
  g_autofree char *landline = evg_mask_phone ("010-12345678");
  g_autofree char *money = evg_normalize_money ("12.5");
  g_autofree char *yuan = evg_normalize_money ("￥3元");
  g_autofree char *bad_money = evg_normalize_money ("1.234");

  g_assert_cmpstr (id, ==, "110105********123X");
  g_assert_cmpstr (mobile, ==, "138****5678");
  g_assert_cmpstr (landline, ==, "010-****5678");
  g_assert_cmpstr (money, ==, "12.50");
  g_assert_cmpstr (yuan, ==, "3.00");
  g_assert_null (bad_money);
}

static void
test_pinyin (void)
{
  g_autoptr(GString) full = g_string_new (NULL);
  g_autoptr(GString) initials = g_string_new (NULL);
  g_autofree char *city = evg_pinyin_full ("北京");
  g_autofree char *lv = evg_pinyin_full ("吕");
  g_autofree char *ini = evg_pinyin_initials ("张三丰");

  evg_pinyin_convert ("张三", TRUE, full, initials);
  g_assert_cmpstr (full->str, ==, "zhangsan");
  g_assert_cmpstr (initials->str, ==, "zs");
  g_assert_cmpstr (city, ==, "beijing");
  g_assert_cmpstr (lv, ==, "lv");
  g_assert_cmpstr (ini, ==, "zsf");

  /* A surname is read as a surname: 曾 is zeng, 单 is shan. */
  g_string_truncate (full, 0);
  evg_pinyin_convert ("曾国藩", TRUE, full, NULL);
  g_assert_cmpstr (full->str, ==, "zengguofan");
  g_string_truncate (full, 0);
  evg_pinyin_convert ("单田芳", TRUE, full, NULL);
  g_assert_cmpstr (full->str, ==, "shantianfang");
  /* … but only the first character of a name. */
  g_string_truncate (full, 0);
  evg_pinyin_convert ("王曾", TRUE, full, NULL);
  g_assert_cmpstr (full->str, ==, "wangceng");

  /* Latin letters are kept; other symbols dropped. */
  g_string_truncate (full, 0);
  evg_pinyin_convert ("Anna·李", TRUE, full, NULL);
  g_assert_cmpstr (full->str, ==, "annali");
  g_assert_null (evg_pinyin_for_char ('A'));
}

static EvgMember *
valid_member (void)
{
  EvgMember *m = evg_member_new ();

  evg_member_set_text (m, EVG_MEMBER_NAME, "张三");
  evg_member_set_text (m, EVG_MEMBER_ID_NUMBER, "110105198001010016");
  evg_member_set_text (m, EVG_MEMBER_CATEGORY, "正式党员");
  evg_member_set_text (m, EVG_MEMBER_JOINED_ON, "2005年7月1日");
  evg_member_set_text (m, EVG_MEMBER_FULL_MEMBER_ON, "2006/7/1");
  evg_member_set_text (m, EVG_MEMBER_PHONE, "138 1234 5678");
  evg_member_complete (m);
  return m;
}

static gboolean
has_issue (GPtrArray  *issues,
           const char *field)
{
  for (guint i = 0; i < issues->len; i++)
    if (g_str_equal (((EvgValidationIssue *) g_ptr_array_index (issues, i))->field, field))
      return TRUE;
  return FALSE;
}

static void
test_member_rules (void)
{
  g_autoptr(EvgMember) m = valid_member ();
  g_autoptr(GPtrArray) issues = NULL;
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 1, 7, 2021);

  /* complete() filled in what the ID number says. */
  g_assert_cmpstr (evg_member_get (m, EVG_MEMBER_BIRTH_DATE), ==, "1980-01-01");
  g_assert_cmpstr (evg_member_get (m, EVG_MEMBER_GENDER), ==, "male");
  g_assert_cmpstr (evg_member_get (m, EVG_MEMBER_JOINED_ON), ==, "2005-07-01");
  g_assert_cmpstr (evg_member_get (m, EVG_MEMBER_PHONE), ==, "13812345678");
  g_assert_cmpstr (evg_member_get (m, EVG_MEMBER_STANDING), ==, "normal");

  issues = evg_member_validate (m, &today);
  if (issues->len > 0)
    g_error ("%s: %s", ((EvgValidationIssue *) issues->pdata[0])->field,
             ((EvgValidationIssue *) issues->pdata[0])->message);
  g_clear_pointer (&issues, g_ptr_array_unref);

  /* Derived values. */
  g_assert_cmpint (evg_member_get_age (m, &today), ==, 41);
  g_assert_cmpint (evg_member_get_party_age (m, &today), ==, 15);
  g_assert_cmpint (evg_member_get_days_to_full (m, &today), ==, EVG_MEMBER_NONE);

  /* Gender must match digit 17. */
  evg_member_set_text (m, EVG_MEMBER_GENDER, "女");
  issues = evg_member_validate (m, &today);
  g_assert_true (has_issue (issues, "gender"));
  g_clear_pointer (&issues, g_ptr_array_unref);
  evg_member_set_text (m, EVG_MEMBER_GENDER, "男");

  /* The birth date must match the ID number. */
  evg_member_set_text (m, EVG_MEMBER_BIRTH_DATE, "1980-01-02");
  issues = evg_member_validate (m, &today);
  g_assert_true (has_issue (issues, "birth_date"));
  g_clear_pointer (&issues, g_ptr_array_unref);
  evg_member_set_text (m, EVG_MEMBER_BIRTH_DATE, "1980-01-01");

  /* Joined before the 18th birthday. */
  evg_member_set_text (m, EVG_MEMBER_JOINED_ON, "1997-12-31");
  issues = evg_member_validate (m, &today);
  g_assert_true (has_issue (issues, "joined_on"));
  g_assert_nonnull (strstr (((EvgValidationIssue *) issues->pdata[0])->message, "18th birthday"));
  g_clear_pointer (&issues, g_ptr_array_unref);
  /* Before being born, it says so, not that they were under 18. */
  evg_member_set_text (m, EVG_MEMBER_JOINED_ON, "1979-07-01");
  issues = evg_member_validate (m, &today);
  g_assert_cmpuint (issues->len, >=, 1);
  g_assert_true (has_issue (issues, "joined_on"));
  g_assert_nonnull (strstr (((EvgValidationIssue *) issues->pdata[0])->message, "before the birth date"));
  g_clear_pointer (&issues, g_ptr_array_unref);
  /* Leaving before joining, or in the future. */
  evg_member_set_text (m, EVG_MEMBER_JOINED_ON, "1998-01-01");
  evg_member_set_text (m, EVG_MEMBER_LEFT_REASON, "转出");
  evg_member_set_text (m, EVG_MEMBER_LEFT_ON, "1997-06-30");
  issues = evg_member_validate (m, &today);
  g_assert_true (has_issue (issues, "left_on"));
  g_clear_pointer (&issues, g_ptr_array_unref);
  evg_member_set_text (m, EVG_MEMBER_LEFT_ON, "2999-01-01");
  issues = evg_member_validate (m, &today);
  g_assert_true (has_issue (issues, "left_on"));
  g_clear_pointer (&issues, g_ptr_array_unref);
  evg_member_set_text (m, EVG_MEMBER_LEFT_REASON, NULL);
  evg_member_set_text (m, EVG_MEMBER_LEFT_ON, NULL);
  evg_member_set_text (m, EVG_MEMBER_JOINED_ON, "1998-01-01");
  evg_member_set_text (m, EVG_MEMBER_FULL_MEMBER_ON, "1999-01-01");
  issues = evg_member_validate (m, &today);
  g_assert_cmpuint (issues->len, ==, 0);
  g_clear_pointer (&issues, g_ptr_array_unref);

  /* Full-member date less than a year after joining. */
  evg_member_set_text (m, EVG_MEMBER_FULL_MEMBER_ON, "1998-12-31");
  issues = evg_member_validate (m, &today);
  g_assert_true (has_issue (issues, "full_member_on"));
  g_clear_pointer (&issues, g_ptr_array_unref);

  /* A probationary member has no full-member date, and no 党龄. */
  evg_member_set_text (m, EVG_MEMBER_CATEGORY, "预备党员");
  issues = evg_member_validate (m, &today);
  g_assert_true (has_issue (issues, "full_member_on"));
  g_clear_pointer (&issues, g_ptr_array_unref);
  evg_member_set (m, EVG_MEMBER_FULL_MEMBER_ON, NULL);
  evg_member_set_text (m, EVG_MEMBER_JOINED_ON, "2020-09-01");
  issues = evg_member_validate (m, &today);
  g_assert_cmpuint (issues->len, ==, 0);
  g_clear_pointer (&issues, g_ptr_array_unref);
  g_assert_cmpint (evg_member_get_party_age (m, &today), ==, EVG_MEMBER_NONE);
  g_assert_cmpint (evg_member_get_days_to_full (m, &today), ==, 62);

  /* A full member needs the date. */
  evg_member_set_text (m, EVG_MEMBER_CATEGORY, "full");
  issues = evg_member_validate (m, &today);
  g_assert_true (has_issue (issues, "full_member_on"));
  g_clear_pointer (&issues, g_ptr_array_unref);

  /* Unreadable values are kept and reported. */
  g_assert_false (evg_member_set_text (m, EVG_MEMBER_PHONE, "12345"));
  g_assert_cmpstr (evg_member_get (m, EVG_MEMBER_PHONE), ==, "12345");
  g_assert_false (evg_member_set_text (m, EVG_MEMBER_JOINED_ON, "last spring"));
  g_assert_false (evg_member_set_text (m, EVG_MEMBER_ETHNICITY, "火星族"));
  g_assert_true (evg_member_set_text (m, EVG_MEMBER_LOST_CONTACT, "是"));
  issues = evg_member_validate (m, &today);
  g_assert_true (has_issue (issues, "phone"));
  g_assert_true (has_issue (issues, "joined_on"));
  g_assert_true (has_issue (issues, "ethnicity"));
  g_assert_false (has_issue (issues, "lost_contact"));
  g_clear_pointer (&issues, g_ptr_array_unref);

  /* Required fields. */
  {
    g_autoptr(EvgMember) empty = evg_member_new ();

    issues = evg_member_validate (empty, &today);
    g_assert_true (has_issue (issues, "name"));
    g_assert_true (has_issue (issues, "id_number"));
    g_assert_true (has_issue (issues, "category"));
    g_assert_true (has_issue (issues, "joined_on"));
    g_clear_pointer (&issues, g_ptr_array_unref);
  }
}

static void
test_member_fields (void)
{
  g_autoptr(EvgMember) m = valid_member ();
  g_autoptr(EvgMember) copy = evg_member_copy (m);
  g_autofree char *masked = NULL;
  g_autofree char *gender = NULL;
  gboolean mobile = TRUE;

  g_assert_cmpint (evg_member_field_from_header ("公民身份证号"), ==, EVG_MEMBER_ID_NUMBER);
  g_assert_cmpint (evg_member_field_from_header("*身份证号码"), ==, EVG_MEMBER_ID_NUMBER);
  g_assert_cmpint (evg_member_field_from_header ("党小组"), ==, EVG_MEMBER_PARTY_GROUP_ID);
  g_assert_cmpint (evg_member_field_from_header ("party_group"), ==, EVG_MEMBER_PARTY_GROUP_ID);
  g_assert_cmpint (evg_member_field_from_header ("id_number"), ==, EVG_MEMBER_ID_NUMBER);
  g_assert_cmpint (evg_member_field_from_header ("姓名（必填）"), ==, EVG_MEMBER_NAME);
  g_assert_cmpint (evg_member_field_from_header ("所在党支部"), ==, -1);

  g_assert_true (evg_member_equal_fields (m, copy));
  g_object_get (m, "masked-id-number", &masked, "gender", &gender, "mobile-member", &mobile, NULL);
  g_assert_cmpstr (masked, ==, "110105********0016");
  g_assert_cmpstr (gender, ==, "male");
  g_assert_false (mobile);
  g_object_set (copy, "mobile-member", TRUE, NULL);
  g_assert_true (evg_member_get_mobile_member (copy));
  g_assert_false (evg_member_equal_fields (m, copy));
}

static gboolean
is_choice_of (EvgMemberField  field,
              const char     *value)
{
  guint n;
  const EvgChoice *choices = evg_member_field_get_choices (field, &n);

  for (guint i = 0; i < n; i++)
    if (g_str_equal (choices[i].code, value))
      return TRUE;
  return FALSE;
}

/* Whether evg_member_validate() takes @value for @field.  The rest of the
 * record is blank, which draws issues on other fields only. */
static gboolean
validator_accepts (EvgMemberField  field,
                   const char     *value)
{
  g_autoptr(EvgMember) m = evg_member_new ();
  g_autoptr(GPtrArray) issues = NULL;
  GDate today;

  g_date_set_dmy (&today, 1, 7, 2026);
  evg_member_set (m, field, value);
  issues = evg_member_validate (m, &today);
  return !has_issue (issues, evg_member_field_get_info (field)->field);
}

/* A form offers evg_member_field_get_choices(): a value the validator takes
 * but the list lacks is one the form cannot show, and saving the form
 * blanks it (the 民族 of every member once was). */
static void
test_member_choices_cover_validator (void)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new ();
  static const char * const strangers[] = {
    "汉", "回", "穿青人", "其他", "外国血统", "doctorate", "男性", "正式", "转入", "1", "",
  };
  guint n_choice_fields = 0;

  /* Every form of every choice of every field, and words no list has. */
  for (guint f = 0; f < EVG_MEMBER_N_FIELDS; f++)
    {
      guint n;
      const EvgChoice *choices = evg_member_field_get_choices (f, &n);

      for (guint i = 0; i < n; i++)
        {
          g_ptr_array_add (candidates, (gpointer) choices[i].code);
          g_ptr_array_add (candidates, (gpointer) choices[i].label);
          g_ptr_array_add (candidates, (gpointer) choices[i].chinese);
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (strangers); i++)
    g_ptr_array_add (candidates, (gpointer) strangers[i]);

  for (guint f = 0; f < EVG_MEMBER_N_FIELDS; f++)
    {
      const EvgMemberFieldInfo *info = evg_member_field_get_info (f);
      const EvgChoice *choices;
      guint n;

      choices = evg_member_field_get_choices (f, &n);
      if (info->kind != EVG_FIELD_KIND_CHOICE)
        {
          g_assert_null (choices);
          continue;
        }
      n_choice_fields++;
      g_test_message ("%s: %u choices", info->name, n);
      g_assert_nonnull (choices);
      g_assert_cmpuint (n, >, 0);

      /* Each choice is valid and is what its own words are read as. */
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(EvgMember) m = evg_member_new ();

          g_assert_true (validator_accepts (f, choices[i].code));
          g_assert_cmpstr (evg_member_choice_parse (f, choices[i].code), ==, choices[i].code);
          g_assert_cmpstr (evg_member_choice_parse (f, choices[i].chinese), ==, choices[i].code);
          g_assert_true (evg_member_set_text (m, f, choices[i].chinese));
          g_assert_cmpstr (evg_member_get (m, f), ==, choices[i].code);
        }

      /* Each value the validator takes is a choice. */
      for (guint i = 0; i < candidates->len; i++)
        {
          const char *value = g_ptr_array_index (candidates, i);

          if (*value != '\0' && validator_accepts (f, value) && !is_choice_of (f, value))
            g_error ("%s accepts “%s”, which its choices lack", info->name, value);
        }
    }

  /* 性别, 民族, 学历, 人员类别, 党籍状态, 减少方式 */
  g_assert_cmpuint (n_choice_fields, ==, 6);
  g_assert_true (is_choice_of (EVG_MEMBER_ETHNICITY, "汉族"));
  g_assert_true (is_choice_of (EVG_MEMBER_ETHNICITY, "基诺族"));
  {
    guint n;

    evg_member_field_get_choices (EVG_MEMBER_ETHNICITY, &n);
    g_assert_cmpuint (n, ==, 56);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/evg/validate/id-number/check-digit", test_id_number_check_digit);
  g_test_add_func ("/evg/validate/id-number/valid", test_id_number_valid);
  g_test_add_func ("/evg/validate/id-number/invalid", test_id_number_invalid);
  g_test_add_func ("/evg/validate/dates", test_dates);
  g_test_add_func ("/evg/validate/years-between", test_years_between);
  g_test_add_func ("/evg/validate/phones", test_phones);
  g_test_add_func ("/evg/validate/masks", test_masks);
  g_test_add_func ("/evg/validate/pinyin", test_pinyin);
  g_test_add_func ("/evg/member/rules", test_member_rules);
  g_test_add_func ("/evg/member/fields", test_member_fields);
  g_test_add_func ("/evg/member/choices-cover-validator", test_member_choices_cover_validator);

  return g_test_run ();
}
