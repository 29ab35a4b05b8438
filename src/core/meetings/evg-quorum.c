/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-quorum"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-attendee.h"
#include "evg-quorum.h"

/* Whether @part is more than half of @whole (or exactly half, where the
 * branch's rules count that).  Nothing is more than half of nobody. */
gboolean
evg_quorum_more_than_half (const EvgQuorum *quorum,
                           guint            part,
                           guint            whole)
{
  if (whole == 0)
    return FALSE;
  return quorum->half_is_enough ? (guint64) part * 2 >= whole : (guint64) part * 2 > whole;
}

/**
 * evg_quorum_count:
 * @sheet: (element-type EvgAttendee): the meeting's attendance sheet
 */
void
evg_quorum_count (EvgQuorum  *quorum,
                  GListModel *sheet,
                  gboolean    half_is_enough)
{
  guint n = g_list_model_get_n_items (sheet);

  memset (quorum, 0, sizeof *quorum);
  quorum->half_is_enough = half_is_enough;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EvgAttendee) attendee = g_list_model_get_item (sheet, i);
      const char *status = evg_attendee_get (attendee, EVG_ATTENDANCE_STATUS);
      gboolean voting = evg_attendee_get_voting (attendee);

      if (!evg_attendee_counts (attendee))
        continue;
      quorum->due++;
      quorum->due_voting += voting ? 1 : 0;
      if (evg_attendance_status_is_present (status))
        {
          quorum->present++;
          quorum->present_voting += voting ? 1 : 0;
          quorum->late += g_strcmp0 (status, "late") == 0 ? 1 : 0;
        }
      else if (g_strcmp0 (status, "leave") == 0)
        quorum->on_leave++;
      else if (g_strcmp0 (status, "absent") == 0)
        quorum->absent++;
      else
        quorum->unmarked++;
    }
  quorum->quorate = evg_quorum_more_than_half (quorum, quorum->present, quorum->due);
  quorum->may_vote = evg_quorum_more_than_half (quorum, quorum->present_voting, quorum->due_voting);
  /* Exactly four fifths counts. */
  quorum->election_valid = quorum->due_voting > 0 &&
                           (guint64) quorum->present_voting * 5 >= (guint64) quorum->due_voting * 4;
}

/* A resolution passes with more than half of the voting members due
 * (应到, not those present) for it, at a meeting that may vote. */
gboolean
evg_quorum_resolution_passes (const EvgQuorum *quorum,
                              gint64           votes_for)
{
  return quorum->may_vote && votes_for >= 0 &&
         evg_quorum_more_than_half (quorum, (guint) MIN (votes_for, G_MAXUINT), quorum->due_voting);
}

/**
 * evg_quorum_check_votes:
 *
 * Returns: (transfer full) (nullable): why the counts cannot be right,
 *   or %NULL when they can
 */
char *
evg_quorum_check_votes (const EvgQuorum *quorum,
                        gint64           votes_for,
                        gint64           votes_against,
                        gint64           votes_abstain)
{
  gint64 total = MAX (votes_for, 0) + MAX (votes_against, 0) + MAX (votes_abstain, 0);

  if (votes_for < 0 || votes_against < 0 || votes_abstain < 0)
    return g_strdup (_("A vote count cannot be negative."));
  if (total > (gint64) quorum->present_voting)
    {
      g_autofree char *counted = g_strdup_printf ("%" G_GINT64_FORMAT, total);

      return g_strdup_printf (ngettext ("%s votes were counted, but only %u voting member is present.",
                                        "%s votes were counted, but only %u voting members are present.",
                                        quorum->present_voting),
                              counted, quorum->present_voting);
    }
  return NULL;
}
