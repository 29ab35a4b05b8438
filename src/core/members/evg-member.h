/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "evg-schema.h"
#include "evg-validate.h"

G_BEGIN_DECLS

/* The fields of a member record, in the order of the national member form
 * (DOMAIN.md) followed by the roster's own.  The order is also the order of
 * the `member` table's columns and of exported spreadsheets. */
typedef enum
{
  EVG_MEMBER_NAME,
  EVG_MEMBER_GENDER,
  EVG_MEMBER_ETHNICITY,
  EVG_MEMBER_ID_NUMBER,
  EVG_MEMBER_BIRTH_DATE,
  EVG_MEMBER_EDUCATION,
  EVG_MEMBER_CATEGORY,
  EVG_MEMBER_PARTY_GROUP_ID,
  EVG_MEMBER_JOINED_ON,
  EVG_MEMBER_FULL_MEMBER_ON,
  EVG_MEMBER_OCCUPATION,
  EVG_MEMBER_PHONE,
  EVG_MEMBER_ADDRESS,
  EVG_MEMBER_STANDING,
  EVG_MEMBER_LOST_CONTACT,
  EVG_MEMBER_LOST_CONTACT_ON,
  EVG_MEMBER_MOBILE_MEMBER,
  EVG_MEMBER_MOBILE_DESTINATION,
  EVG_MEMBER_PARTY_POST,
  EVG_MEMBER_WORK_UNIT,
  EVG_MEMBER_COMMUNITY,
  EVG_MEMBER_DUES_MONTHLY,
  EVG_MEMBER_DUES_PAID_UNTIL,
  EVG_MEMBER_NOTE,
  EVG_MEMBER_LEFT_REASON,
  EVG_MEMBER_LEFT_ON,
  EVG_MEMBER_N_FIELDS
} EvgMemberField;

/* A member field is a column of the member table (see evg-schema.h):
 * EvgColumnSpec's @field is its DOMAIN.md name, @header its Chinese name,
 * @label its English msgid, @kind what it holds. */
typedef EvgColumnSpec EvgMemberFieldInfo;

extern const EvgTableSpec evg_member_table;

/* Sentinel for a derived number that does not apply (no 党龄 yet, …). */
#define EVG_MEMBER_NONE G_MININT

#define EVG_TYPE_MEMBER (evg_member_get_type ())

G_DECLARE_FINAL_TYPE (EvgMember, evg_member, EVG, MEMBER, GObject)

const EvgMemberFieldInfo *evg_member_field_get_info    (EvgMemberField  field);
int                       evg_member_field_from_name   (const char     *name);
int                       evg_member_field_from_header (const char     *header);
const EvgChoice          *evg_member_field_get_choices (EvgMemberField  field,
                                                        guint          *n_choices);
const char               *evg_member_choice_label      (EvgMemberField  field,
                                                        const char     *code);
const char               *evg_member_choice_chinese    (EvgMemberField  field,
                                                        const char     *code);
const char               *evg_member_choice_parse      (EvgMemberField  field,
                                                        const char     *text);

EvgMember  *evg_member_new                  (void);
EvgMember  *evg_member_copy                 (EvgMember      *self);
const char *evg_member_get_id               (EvgMember      *self);
void        evg_member_set_id               (EvgMember      *self,
                                             const char     *id);
const char *evg_member_get                  (EvgMember      *self,
                                             EvgMemberField  field);
void        evg_member_set                  (EvgMember      *self,
                                             EvgMemberField  field,
                                             const char     *value);
gboolean    evg_member_set_text             (EvgMember      *self,
                                             EvgMemberField  field,
                                             const char     *text);
gboolean    evg_member_equal_fields         (EvgMember      *a,
                                             EvgMember      *b);
const char *evg_member_get_name             (EvgMember      *self);
const char *evg_member_get_id_number        (EvgMember      *self);
const char *evg_member_get_party_group_name (EvgMember      *self);
void        evg_member_set_party_group_name (EvgMember      *self,
                                             const char     *name);
gboolean    evg_member_is_full              (EvgMember      *self);
gboolean    evg_member_is_former            (EvgMember      *self);
gboolean    evg_member_get_lost_contact     (EvgMember      *self);
gboolean    evg_member_get_mobile_member    (EvgMember      *self);

int         evg_member_get_age              (EvgMember      *self,
                                             const GDate    *today);
int         evg_member_get_party_age        (EvgMember      *self,
                                             const GDate    *today);
int         evg_member_get_days_to_full     (EvgMember      *self,
                                             const GDate    *today);
char       *evg_member_dup_masked_id_number (EvgMember      *self);
char       *evg_member_dup_masked_phone     (EvgMember      *self);
char       *evg_member_dup_display          (EvgMember      *self,
                                             EvgMemberField  field);

void        evg_member_complete             (EvgMember      *self);
GPtrArray  *evg_member_validate             (EvgMember      *self,
                                             const GDate    *today);

/* The domain check of the member table's text columns, whose order is
 * that of EvgMemberField (see evg-schema.h). */
const char               *evg_member_check_column      (guint           column,
                                                        const char     *text);

G_END_DECLS
