/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "evg-meeting.h"

G_BEGIN_DECLS

/* The counts of DOMAIN.md's rules for a meeting, from its attendance
 * sheet (a list of EvgAttendee):
 *   - the general meeting may vote with more than half of the voting
 *     members present;
 *   - a resolution passes with more than half of the voting members due;
 *   - an election is valid with at least four fifths of the voters due
 *     present;
 *   - the committee meets validly with more than half of it present.
 * Whether exactly half counts as more than half is a setting
 * (@half_is_enough), by default not. */
typedef struct
{
  guint    due;              /* 应到 */
  guint    present;          /* 实到 (出席 and 迟到) */
  guint    late;
  guint    on_leave;
  guint    absent;
  guint    unmarked;         /* due, nothing recorded yet */
  guint    due_voting;
  guint    present_voting;
  gboolean quorate;          /* more than half of those due are present */
  gboolean may_vote;         /* more than half of the voting members due are present */
  gboolean election_valid;   /* at least 4/5 of the voting members due are present */
  gboolean half_is_enough;
} EvgQuorum;

void        evg_quorum_count              (EvgQuorum       *quorum,
                                           GListModel      *sheet,
                                           gboolean         half_is_enough);
gboolean    evg_quorum_more_than_half     (const EvgQuorum *quorum,
                                           guint            part,
                                           guint            whole);
gboolean    evg_quorum_resolution_passes  (const EvgQuorum *quorum,
                                           gint64           votes_for);
char       *evg_quorum_check_votes        (const EvgQuorum *quorum,
                                           gint64           votes_for,
                                           gint64           votes_against,
                                           gint64           votes_abstain);

G_END_DECLS
