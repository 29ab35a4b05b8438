/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Checks and normal forms for the values a member record holds: ID numbers
 * (GB 11643), phone numbers, dates as people write them, and the masked
 * forms shown in lists (PIPL).  Every check returns %NULL when the value is
 * fine, or a translated sentence a branch secretary can act on. */

/**
 * EvgValidationIssue:
 * @field: the column the problem is in (a DOMAIN.md field name)
 * @message: a translated sentence saying what is wrong
 */
typedef struct
{
  char *field;
  char *message;
} EvgValidationIssue;

#define EVG_TYPE_VALIDATION_ISSUE (evg_validation_issue_get_type ())

GType               evg_validation_issue_get_type (void) G_GNUC_CONST;
EvgValidationIssue *evg_validation_issue_new      (const char               *field,
                                                   const char               *message);
EvgValidationIssue *evg_validation_issue_copy     (const EvgValidationIssue *issue);
void                evg_validation_issue_free     (EvgValidationIssue       *issue);

/* Dates */
#define EVG_DATE_SIZE 11 /* YYYY-MM-DD and its NUL */

gboolean  evg_parse_date               (const char  *text,
                                        GDate       *date);
char     *evg_normalize_date           (const char  *text);
char     *evg_format_date              (const GDate *date);
void      evg_format_date_into         (const GDate *date,
                                        char         out[EVG_DATE_SIZE]);
gboolean  evg_parse_year_month         (const char  *text,
                                        guint       *year,
                                        guint       *month);
char     *evg_normalize_year_month     (const char  *text);
void      evg_date_set_today           (GDate       *date);
int       evg_date_years_between       (const GDate *from,
                                        const GDate *to);

/* Times of day as records keep them: `YYYY-MM-DD HH:MM`, local wall clock. */
#define EVG_MINUTE_SIZE 17 /* YYYY-MM-DD HH:MM and its NUL */

char     *evg_dup_now_minute           (void);
gint64    evg_parse_minute             (const char  *date_time);
void      evg_format_minute            (gint64       minutes,
                                        char         out[EVG_MINUTE_SIZE]);

/* ID numbers */
char      evg_id_number_check_char     (const char  *first17);
char     *evg_id_number_normalize      (const char  *text);
char     *evg_id_number_check          (const char  *id_number);
gboolean  evg_id_number_get_birth_date (const char  *id_number,
                                        GDate       *date);
const char *evg_id_number_get_gender   (const char  *id_number);

/* Phone numbers */
char     *evg_phone_normalize          (const char  *text);
char     *evg_phone_check              (const char  *phone);

/* Money written as yuan with up to two decimals, e.g. `12.5` → `12.50`. */
char     *evg_normalize_money          (const char  *text);

/* Masks for lists: `110105********123X`, `138****5678`. */
char     *evg_mask_id_number           (const char  *id_number);
char     *evg_mask_phone               (const char  *phone);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgValidationIssue, evg_validation_issue_free)

G_END_DECLS
