/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-validate"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-validate.h"

G_DEFINE_BOXED_TYPE (EvgValidationIssue, evg_validation_issue,
                     evg_validation_issue_copy, evg_validation_issue_free)

EvgValidationIssue *
evg_validation_issue_new (const char *field,
                          const char *message)
{
  EvgValidationIssue *issue = g_new0 (EvgValidationIssue, 1);

  issue->field = g_strdup (field);
  issue->message = g_strdup (message);
  return issue;
}

EvgValidationIssue *
evg_validation_issue_copy (const EvgValidationIssue *issue)
{
  g_return_val_if_fail (issue != NULL, NULL);
  return evg_validation_issue_new (issue->field, issue->message);
}

void
evg_validation_issue_free (EvgValidationIssue *issue)
{
  if (issue == NULL)
    return;
  g_free (issue->field);
  g_free (issue->message);
  g_free (issue);
}

/* Reads up to @max ASCII digits; FALSE when there is none. */
static gboolean
read_number (const char **p,
             guint        max,
             guint       *value)
{
  guint n = 0, v = 0;

  while (n < max && g_ascii_isdigit (**p))
    {
      v = v * 10 + (guint) (**p - '0');
      (*p)++;
      n++;
    }
  *value = v;
  return n > 0;
}

static void
skip_spaces (const char **p)
{
  while (g_ascii_isspace (**p))
    (*p)++;
}

/* Takes one date separator and says which kind it was: '-', '/', '.' or
 * 'y'/'m' for the Chinese 年 and 月. */
static char
read_separator (const char **p)
{
  if (**p == '-' || **p == '/' || **p == '.')
    return *(*p)++;
  if (g_str_has_prefix (*p, "年"))
    {
      *p += strlen ("年");
      return 'y';
    }
  if (g_str_has_prefix (*p, "月"))
    {
      *p += strlen ("月");
      return 'm';
    }
  return '\0';
}

static gboolean
all_digits (const char *p,
            guint       n)
{
  for (guint i = 0; i < n; i++)
    if (!g_ascii_isdigit (p[i]))
      return FALSE;
  return p[n] == '\0' || g_ascii_isspace (p[n]);
}

/**
 * evg_parse_date:
 * @text: a date as people type it: `2001-07-01`, `2001/7/1`, `2001.7.1`,
 *   `2001年7月1日` or `20010701`; a time after it (as spreadsheets add) is
 *   ignored
 * @date: (out): the date
 *
 * Returns: %TRUE when @text is a real calendar date between 1900 and 2199
 */
gboolean
evg_parse_date (const char *text,
                GDate      *date)
{
  const char *p = text;
  guint y, m, d;
  char sep1, sep2;

  g_return_val_if_fail (date != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  skip_spaces (&p);

  if (all_digits (p, 8))
    {
      y = (guint) ((p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0'));
      m = (guint) ((p[4] - '0') * 10 + (p[5] - '0'));
      d = (guint) ((p[6] - '0') * 10 + (p[7] - '0'));
      p += 8;
    }
  else
    {
      const char *start = p;

      if (!read_number (&p, 4, &y) || p - start != 4)
        return FALSE;
      sep1 = read_separator (&p);
      if (sep1 == '\0' || sep1 == 'm' || !read_number (&p, 2, &m))
        return FALSE;
      sep2 = read_separator (&p);
      if (sep1 == 'y' ? sep2 != 'm' : sep2 != sep1)
        return FALSE;
      if (!read_number (&p, 2, &d))
        return FALSE;
      if (sep1 == 'y' && g_str_has_prefix (p, "日"))
        p += strlen ("日");
    }

  /* Spreadsheets often write a midnight time after the date. */
  skip_spaces (&p);
  while (g_ascii_isdigit (*p) || *p == ':')
    p++;
  skip_spaces (&p);
  if (*p != '\0')
    return FALSE;

  if (y < 1900 || y > 2199 || !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return FALSE;

  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
  return TRUE;
}

/**
 * evg_format_date_into:
 * @out: where to write it, with its NUL
 *
 * What evg_format_date() does, without allocating.
 */
void
evg_format_date_into (const GDate *date,
                      char         out[EVG_DATE_SIZE])
{
  guint y, m, d;

  g_return_if_fail (date != NULL && g_date_valid (date));

  /* Written by hand: imports format two or three dates a row. */
  y = g_date_get_year (date);
  m = (guint) g_date_get_month (date);
  d = g_date_get_day (date);
  out[0] = (char) ('0' + y / 1000 % 10);
  out[1] = (char) ('0' + y / 100 % 10);
  out[2] = (char) ('0' + y / 10 % 10);
  out[3] = (char) ('0' + y % 10);
  out[4] = '-';
  out[5] = (char) ('0' + m / 10);
  out[6] = (char) ('0' + m % 10);
  out[7] = '-';
  out[8] = (char) ('0' + d / 10);
  out[9] = (char) ('0' + d % 10);
  out[10] = '\0';
}

/**
 * evg_format_date:
 *
 * Returns: (transfer full): @date as `YYYY-MM-DD`, the form the store keeps
 */
char *
evg_format_date (const GDate *date)
{
  char *out;

  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  out = g_malloc (EVG_DATE_SIZE);
  evg_format_date_into (date, out);
  return out;
}

/**
 * evg_normalize_date:
 *
 * Returns: (transfer full) (nullable): @text as `YYYY-MM-DD`, or %NULL
 *   when it is not a date evg_parse_date() accepts
 */
char *
evg_normalize_date (const char *text)
{
  GDate date;

  if (!evg_parse_date (text, &date))
    return NULL;
  return evg_format_date (&date);
}

/**
 * evg_parse_year_month:
 * @text: `2024-06`, `2024/6`, `2024.6`, `2024年6月` or `202406`
 */
gboolean
evg_parse_year_month (const char *text,
                      guint      *year,
                      guint      *month)
{
  const char *p = text;
  guint y, m;
  char sep;

  if (text == NULL)
    return FALSE;
  skip_spaces (&p);

  if (all_digits (p, 6))
    {
      y = (guint) ((p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0'));
      m = (guint) ((p[4] - '0') * 10 + (p[5] - '0'));
      p += 6;
    }
  else
    {
      const char *start = p;

      if (!read_number (&p, 4, &y) || p - start != 4)
        return FALSE;
      sep = read_separator (&p);
      if (sep == '\0' || sep == 'm' || !read_number (&p, 2, &m))
        return FALSE;
      if (sep == 'y' && g_str_has_prefix (p, "月"))
        p += strlen ("月");
    }
  skip_spaces (&p);
  if (*p != '\0' || y < 1900 || y > 2199 || m < 1 || m > 12)
    return FALSE;

  if (year != NULL)
    *year = y;
  if (month != NULL)
    *month = m;
  return TRUE;
}

char *
evg_normalize_year_month (const char *text)
{
  guint y, m;

  if (!evg_parse_year_month (text, &y, &m))
    return NULL;
  return g_strdup_printf ("%04u-%02u", y, m);
}

G_LOCK_DEFINE_STATIC (today);

/* Sets @date to today in local time.  Finding the local time zone costs
 * system calls, and an import asks for today several times a row, so the
 * answer is kept for a second. */
void
evg_date_set_today (GDate *date)
{
  static gint64 computed_at = G_MININT64;
  static guint32 julian;
  gint64 now_s = g_get_real_time () / G_USEC_PER_SEC;

  G_LOCK (today);
  if (now_s != computed_at)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      GDate d;

      g_date_clear (&d, 1);
      g_date_set_dmy (&d, (GDateDay) g_date_time_get_day_of_month (now),
                      (GDateMonth) g_date_time_get_month (now),
                      (GDateYear) g_date_time_get_year (now));
      julian = g_date_get_julian (&d);
      computed_at = now_s;
    }
  g_date_clear (date, 1);
  g_date_set_julian (date, julian);
  G_UNLOCK (today);
}

/**
 * evg_date_years_between:
 *
 * Returns: the whole years from @from to @to, as ages are counted: someone
 *   born on 29 February turns a year older on 1 March in other years.
 *   Negative when @to is before @from.
 */
int
evg_date_years_between (const GDate *from,
                        const GDate *to)
{
  int years = (int) g_date_get_year (to) - (int) g_date_get_year (from);
  guint from_md = (guint) g_date_get_month (from) * 100 + g_date_get_day (from);
  guint to_md = (guint) g_date_get_month (to) * 100 + g_date_get_day (to);

  if (years > 0 && to_md < from_md)
    years--;
  else if (years < 0 && to_md > from_md)
    years++;
  return years;
}

static const int id_weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
static const char id_check_chars[11] = { '1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2' };

/**
 * evg_id_number_check_char:
 * @first17: the first 17 digits of an ID number
 *
 * Returns: the check character GB 11643 (ISO 7064 MOD 11-2) gives, or `\0`
 *   when @first17 does not start with 17 digits
 */
char
evg_id_number_check_char (const char *first17)
{
  int sum = 0;

  g_return_val_if_fail (first17 != NULL, '\0');

  for (guint i = 0; i < 17; i++)
    {
      if (!g_ascii_isdigit (first17[i]))
        return '\0';
      sum += (first17[i] - '0') * id_weights[i];
    }
  return id_check_chars[sum % 11];
}

/* Maps full-width digits and letters (as Chinese input methods type them)
 * to ASCII and drops spaces. */
static char *
to_ascii_compact (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0xFF01 && c <= 0xFF5E)
        c -= 0xFEE0;
      if (g_unichar_isspace (c) || c == 0x3000)
        continue;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/**
 * evg_id_number_normalize:
 *
 * Returns: (transfer full): @text without spaces, with full-width
 *   characters made ASCII and a lower-case x made upper-case
 */
char *
evg_id_number_normalize (const char *text)
{
  char *out;

  g_return_val_if_fail (text != NULL, NULL);

  out = to_ascii_compact (text);
  for (char *p = out; *p != '\0'; p++)
    if (*p == 'x')
      *p = 'X';
  return out;
}

/**
 * evg_id_number_get_birth_date:
 *
 * Returns: %TRUE when digits 7–14 of @id_number are a real date
 */
gboolean
evg_id_number_get_birth_date (const char *id_number,
                              GDate      *date)
{
  char digits[9];

  if (id_number == NULL || strlen (id_number) != 18)
    return FALSE;
  memcpy (digits, id_number + 6, 8);
  digits[8] = '\0';
  for (guint i = 0; i < 8; i++)
    if (!g_ascii_isdigit (digits[i]))
      return FALSE;
  return evg_parse_date (digits, date);
}

/**
 * evg_id_number_get_gender:
 *
 * Returns: (nullable): `male` when digit 17 is odd, `female` when even,
 *   %NULL when @id_number is too short to tell
 */
const char *
evg_id_number_get_gender (const char *id_number)
{
  if (id_number == NULL || strlen (id_number) < 17 || !g_ascii_isdigit (id_number[16]))
    return NULL;
  return (id_number[16] - '0') % 2 == 1 ? "male" : "female";
}

/**
 * evg_id_number_check:
 * @id_number: a normalised ID number (see evg_id_number_normalize())
 *
 * Returns: (transfer full) (nullable): %NULL when @id_number is a valid
 *   18-character citizen ID number, else what is wrong with it
 */
char *
evg_id_number_check (const char *id_number)
{
  GDate birth, today;
  char expected;
  gsize len;

  g_return_val_if_fail (id_number != NULL, NULL);

  len = strlen (id_number);
  if (!g_utf8_validate (id_number, -1, NULL) || len != 18)
    return g_strdup_printf (_("An ID number has 18 characters; this one has %u."),
                            g_utf8_validate (id_number, -1, NULL)
                            ? (guint) g_utf8_strlen (id_number, -1) : (guint) len);

  for (guint i = 0; i < 17; i++)
    if (!g_ascii_isdigit (id_number[i]))
      return g_strdup (_("An ID number is 17 digits followed by a digit or X."));
  if (!g_ascii_isdigit (id_number[17]) && id_number[17] != 'X')
    return g_strdup (_("An ID number is 17 digits followed by a digit or X."));

  if (id_number[0] < '1' || id_number[0] > '8')
    return g_strdup (_("The ID number does not start with a valid region code."));

  if (!evg_id_number_get_birth_date (id_number, &birth))
    return g_strdup_printf (_("The birth date in the ID number (%.8s) is not a real date."),
                            id_number + 6);
  evg_date_set_today (&today);
  if (g_date_compare (&birth, &today) > 0)
    return g_strdup (_("The birth date in the ID number is in the future."));

  expected = evg_id_number_check_char (id_number);
  if (id_number[17] != expected)
    return g_strdup_printf (_("The last character of the ID number should be %c; "
                              "check it for a typing mistake."), expected);
  return NULL;
}

/**
 * evg_phone_normalize:
 *
 * Returns: (transfer full): @text without spaces and with full-width digits
 *   made ASCII; a mobile number also loses a +86 prefix and its dashes
 */
char *
evg_phone_normalize (const char *text)
{
  g_autofree char *compact = NULL;
  GString *digits;
  const char *p;

  g_return_val_if_fail (text != NULL, NULL);

  compact = to_ascii_compact (text);
  p = compact;
  if (g_str_has_prefix (p, "+86"))
    p += 3;

  digits = g_string_new (NULL);
  for (const char *q = p; *q != '\0'; q++)
    if (*q != '-')
      g_string_append_c (digits, *q);

  if (digits->len == 11 && digits->str[0] == '1')
    return g_string_free (digits, FALSE);
  g_string_free (digits, TRUE);
  return g_strdup (compact);
}

static gboolean
match_digits (const char **p,
              guint        min,
              guint        max)
{
  guint n = 0;

  while (g_ascii_isdigit ((*p)[n]))
    n++;
  if (n < min || n > max)
    return FALSE;
  *p += n;
  return TRUE;
}

static gboolean
is_landline (const char *p)
{
  if (p[0] == '0')
    {
      /* Area code of 3 or 4 digits including the 0, then 7 or 8 digits. */
      const char *q = p;

      if (strchr (p, '-') != NULL)
        {
          if (!match_digits (&q, 3, 4) || *q++ != '-' || !match_digits (&q, 7, 8))
            return FALSE;
        }
      else if (!match_digits (&q, 10, 12))
        return FALSE;
      /* An extension may follow. */
      if (*q == '-')
        {
          q++;
          if (!match_digits (&q, 1, 6))
            return FALSE;
        }
      return *q == '\0';
    }

  if (g_str_has_prefix (p, "400") || g_str_has_prefix (p, "800"))
    {
      guint n = 0;

      for (const char *q = p; *q != '\0'; q++)
        {
          if (g_ascii_isdigit (*q))
            n++;
          else if (*q != '-')
            return FALSE;
        }
      return n == 10;
    }

  /* A local number without its area code. */
  return match_digits (&p, 7, 8) && *p == '\0';
}

/**
 * evg_phone_check:
 * @phone: a normalised phone number (see evg_phone_normalize())
 *
 * Returns: (transfer full) (nullable): %NULL for a mobile number
 *   (1[3-9] and 9 more digits) or a landline, else what is wrong
 */
char *
evg_phone_check (const char *phone)
{
  g_return_val_if_fail (phone != NULL, NULL);

  if (phone[0] == '1')
    {
      gsize len = strlen (phone);
      const char *p = phone;

      if (len == 11 && phone[1] >= '3' && phone[1] <= '9' && match_digits (&p, 11, 11))
        return NULL;
      return g_strdup (_("A mobile number has 11 digits and starts with 13 to 19, "
                         "such as 13812345678."));
    }

  if (is_landline (phone))
    return NULL;
  return g_strdup (_("Enter an 11-digit mobile number such as 13812345678 "
                     "or a landline such as 010-12345678."));
}

/**
 * evg_normalize_money:
 *
 * Returns: (transfer full) (nullable): an amount in yuan with two
 *   decimals, or %NULL when @text is not a non-negative amount
 */
char *
evg_normalize_money (const char *text)
{
  g_autofree char *compact = NULL;
  const char *p;
  guint64 yuan = 0;
  guint fen = 0, decimals = 0, n = 0;

  if (text == NULL)
    return NULL;
  compact = to_ascii_compact (text);
  p = compact;
  if (g_str_has_prefix (p, "¥"))
    p += strlen ("¥");
  else if (g_str_has_prefix (p, "￥"))
    p += strlen ("￥");

  for (; g_ascii_isdigit (*p); p++, n++)
    {
      if (yuan > 100000000)
        return NULL;
      yuan = yuan * 10 + (guint) (*p - '0');
    }
  if (*p == '.')
    {
      for (p++; g_ascii_isdigit (*p); p++, decimals++)
        {
          if (decimals >= 2)
            return NULL;
          fen = fen * 10 + (guint) (*p - '0');
        }
      if (decimals == 1)
        fen *= 10;
    }
  if (g_str_has_prefix (p, "元"))
    p += strlen ("元");
  if (*p != '\0' || (n == 0 && decimals == 0))
    return NULL;
  return g_strdup_printf ("%" G_GUINT64_FORMAT ".%02u", yuan, fen);
}

/**
 * evg_mask_id_number:
 *
 * Returns: (transfer full): @id_number with the birth date and sequence
 *   hidden, e.g. `110105********123X`
 */
char *
evg_mask_id_number (const char *id_number)
{
  gsize len;
  char *out;

  if (id_number == NULL)
    return g_strdup ("");
  len = strlen (id_number);
  out = g_strdup (id_number);
  for (gsize i = 0; i < len; i++)
    {
      gboolean keep = len > 10 ? (i < 6 || i >= len - 4) : i >= len - MIN (len, 2);

      if (!keep)
        out[i] = '*';
    }
  return out;
}

/**
 * evg_mask_phone:
 *
 * Returns: (transfer full): @phone with the middle digits hidden, e.g.
 *   `138****5678` or `010-****5678`
 */
char *
evg_mask_phone (const char *phone)
{
  gsize len;
  char *out;
  guint masked = 0;

  if (phone == NULL)
    return g_strdup ("");
  len = strlen (phone);
  out = g_strdup (phone);
  if (len < 7)
    {
      for (gsize i = 0; i + 2 < len; i++)
        out[i] = '*';
      return out;
    }
  for (gsize i = 3; i + 4 < len && masked < 4; i++)
    {
      if (g_ascii_isdigit (out[i]))
        {
          out[i] = '*';
          masked++;
        }
    }
  return out;
}

/* Days from 1970-01-01 to a proleptic Gregorian date. */
static gint64
days_from_civil (gint64 y,
                 guint  m,
                 guint  d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/**
 * evg_dup_now_minute:
 *
 * Returns: (transfer full): the local time as records keep it
 */
char *
evg_dup_now_minute (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d %H:%M");
}

/**
 * evg_parse_minute:
 * @date_time: (nullable): YYYY-MM-DD HH:MM
 *
 * Returns: minutes since 1970-01-01 00:00 of the same clock, or -1 when
 *   @date_time is not such a time
 */
gint64
evg_parse_minute (const char *date_time)
{
  /* By hand, not sscanf(): the year's hours parse two million of these. */
  static const char shape[] = "dddd-dd-dd dd:dd";
  guint y, mo, d, h, mi;

  if (date_time == NULL)
    return -1;
  for (guint i = 0; i < sizeof shape - 1; i++)
    if (shape[i] == 'd' ? !g_ascii_isdigit (date_time[i]) : date_time[i] != shape[i])
      return -1;
  if (date_time[sizeof shape - 1] != '\0')
    return -1;
#define DIGITS2(p) (((p)[0] - '0') * 10u + ((p)[1] - '0'))
  y = DIGITS2 (date_time) * 100u + DIGITS2 (date_time + 2);
  mo = DIGITS2 (date_time + 5);
  d = DIGITS2 (date_time + 8);
  h = DIGITS2 (date_time + 11);
  mi = DIGITS2 (date_time + 14);
#undef DIGITS2
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59)
    return -1;
  return days_from_civil (y, mo, d) * 24 * 60 + h * 60 + mi;
}

/**
 * evg_format_minute:
 * @minutes: minutes since 1970-01-01 00:00, as evg_parse_minute() gives
 * @out: where to write `YYYY-MM-DD HH:MM`
 */
void
evg_format_minute (gint64 minutes,
                   char   out[EVG_MINUTE_SIZE])
{
  gint64 days = minutes >= 0 ? minutes / 1440 : -((-minutes + 1439) / 1440);
  gint64 rest = minutes - days * 1440;
  gint64 z = days + 719468;
  gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  gint64 doe = z - era * 146097;
  gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  gint64 mp = (5 * doy + 2) / 153;
  guint d = (guint) (doy - (153 * mp + 2) / 5 + 1);
  guint m = (guint) (mp < 10 ? mp + 3 : mp - 9);
  gint64 y = yoe + era * 400 + (m <= 2);

  g_snprintf (out, EVG_MINUTE_SIZE, "%04d-%02u-%02u %02d:%02d", (int) CLAMP (y, 0, 9999), m, d,
              (int) (rest / 60), (int) (rest % 60));
}
