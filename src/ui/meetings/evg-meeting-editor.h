/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-context.h"

G_BEGIN_DECLS

#define EVG_TYPE_MEETING_EDITOR (evg_meeting_editor_get_type ())

G_DECLARE_FINAL_TYPE (EvgMeetingEditor, evg_meeting_editor, EVG, MEETING_EDITOR, AdwWindow)

EvgMeetingEditor *evg_meeting_editor_new          (EvgContext       *context,
                                                   EvgMeeting       *meeting,
                                                   const char       *day);
EvgMeeting       *evg_meeting_editor_get_meeting  (EvgMeetingEditor *self);
GListModel       *evg_meeting_editor_get_sheet    (EvgMeetingEditor *self);
gboolean          evg_meeting_editor_save         (EvgMeetingEditor *self);
const char       *evg_meeting_editor_get_error    (EvgMeetingEditor *self);
const char       *evg_meeting_editor_get_quorum_text (EvgMeetingEditor *self);
gboolean          evg_meeting_editor_set_attendance (EvgMeetingEditor *self,
                                                     guint             position,
                                                     const char       *status);

G_END_DECLS
