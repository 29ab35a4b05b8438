/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "evg-roster.h"
#include "evg-test-util.h"
#include "evg-validate.h"

/* Adds a full member born on 1 January 1980, the @seq'th (below 1000)
 * registered that day, to @group_id (or to no group), and returns the
 * new record's id. */
static inline char *
evg_test_add_member (EvgRoster  *roster,
                     const char *name,
                     guint       seq,
                     const char *group_id)
{
  g_autoptr(EvgMember) member = evg_member_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *first17 = g_strdup_printf ("11010519800101%03u", seq);
  g_autofree char *id_number = g_strdup_printf ("%s%c", first17, evg_id_number_check_char (first17));
  char *id;

  evg_member_set_text (member, EVG_MEMBER_NAME, name);
  evg_member_set_text (member, EVG_MEMBER_ID_NUMBER, id_number);
  evg_member_set_text (member, EVG_MEMBER_CATEGORY, "正式党员");
  evg_member_set_text (member, EVG_MEMBER_JOINED_ON, "2005-07-01");
  evg_member_set_text (member, EVG_MEMBER_FULL_MEMBER_ON, "2006-07-01");
  evg_member_set (member, EVG_MEMBER_PARTY_GROUP_ID, group_id);
  evg_member_complete (member);
  id = evg_roster_save (roster, member, &error);
  g_assert_no_error (error);
  return id;
}

/* Lets @roster and then @store go once their workers are done, asserting
 * that nothing else holds them. */
static inline void
evg_test_finalize_roster (EvgRoster *roster,
                          EvgStore  *store)
{
  evg_test_wait_for_workers (roster);
  g_assert_finalize_object (roster);
  evg_test_wait_for_workers (store);
  g_assert_finalize_object (store);
}
