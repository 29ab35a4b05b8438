/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-attendee"

#include "config.h"

#include "evg-attendee.h"

struct _EvgAttendee
{
  GObject parent_instance;

  char     *member_id;
  char     *name;
  char     *party_group_id;
  gboolean  voting;
  gboolean  due;
  gboolean  recorded;
  char     *values[EVG_ATTENDANCE_N_FIELDS];
};

G_DEFINE_FINAL_TYPE (EvgAttendee, evg_attendee, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
evg_attendee_finalize (GObject *object)
{
  EvgAttendee *self = EVG_ATTENDEE (object);

  g_free (self->member_id);
  g_free (self->name);
  g_free (self->party_group_id);
  for (guint i = 0; i < EVG_ATTENDANCE_N_FIELDS; i++)
    g_free (self->values[i]);
  G_OBJECT_CLASS (evg_attendee_parent_class)->finalize (object);
}

static void
evg_attendee_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  EvgAttendee *self = EVG_ATTENDEE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->values[EVG_ATTENDANCE_STATUS]);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_attendee_class_init (EvgAttendeeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = evg_attendee_finalize;
  object_class->get_property = evg_attendee_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
evg_attendee_init (EvgAttendee *self)
{
  self->due = TRUE;
}

EvgAttendee *
evg_attendee_new (const char *member_id,
                  const char *name,
                  const char *party_group_id,
                  gboolean    voting)
{
  EvgAttendee *self = g_object_new (EVG_TYPE_ATTENDEE, NULL);

  self->member_id = g_strdup (member_id);
  self->name = g_strdup (name);
  self->party_group_id = g_strdup (party_group_id);
  self->voting = voting;
  self->values[EVG_ATTENDANCE_MEMBER_ID] = g_strdup (member_id);
  return self;
}

const char *
evg_attendee_get_member_id (EvgAttendee *self)
{
  g_return_val_if_fail (EVG_IS_ATTENDEE (self), NULL);
  return self->member_id;
}

const char *
evg_attendee_get_name (EvgAttendee *self)
{
  g_return_val_if_fail (EVG_IS_ATTENDEE (self), NULL);
  return self->name;
}

const char *
evg_attendee_get_party_group_id (EvgAttendee *self)
{
  g_return_val_if_fail (EVG_IS_ATTENDEE (self), NULL);
  return self->party_group_id;
}

/* Whether the member may vote: a full member, not under 留党察看. */
gboolean
evg_attendee_get_voting (EvgAttendee *self)
{
  g_return_val_if_fail (EVG_IS_ATTENDEE (self), FALSE);
  return self->voting;
}

/* Whether the member was due to attend by the roster of the meeting's
 * day; one who was not may still have a record (marked before the roster
 * changed), which the sheet shows but does not count. */
gboolean
evg_attendee_get_due (EvgAttendee *self)
{
  g_return_val_if_fail (EVG_IS_ATTENDEE (self), FALSE);
  return self->due;
}

void
evg_attendee_set_due (EvgAttendee *self,
                      gboolean     due)
{
  g_return_if_fail (EVG_IS_ATTENDEE (self));
  self->due = due;
}

/* Whether an attendance record of the member is stored. */
gboolean
evg_attendee_get_recorded (EvgAttendee *self)
{
  g_return_val_if_fail (EVG_IS_ATTENDEE (self), FALSE);
  return self->recorded;
}

void
evg_attendee_set_recorded (EvgAttendee *self,
                           gboolean     recorded)
{
  g_return_if_fail (EVG_IS_ATTENDEE (self));
  self->recorded = recorded;
}

const char *
evg_attendee_get (EvgAttendee        *self,
                  EvgAttendanceField  field)
{
  g_return_val_if_fail (EVG_IS_ATTENDEE (self), NULL);
  g_return_val_if_fail (field < EVG_ATTENDANCE_N_FIELDS, NULL);
  return self->values[field];
}

void
evg_attendee_set (EvgAttendee        *self,
                  EvgAttendanceField  field,
                  const char         *value)
{
  g_return_if_fail (EVG_IS_ATTENDEE (self));
  g_return_if_fail (field < EVG_ATTENDANCE_N_FIELDS);

  if (value != NULL && value[0] == '\0')
    value = NULL;
  if (g_strcmp0 (self->values[field], value) == 0)
    return;
  g_free (self->values[field]);
  self->values[field] = g_strdup (value);
  if (field == EVG_ATTENDANCE_STATUS)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

/* Whether the member counts among those due (应到): due by the roster
 * and not left out with a recorded reason. */
gboolean
evg_attendee_counts (EvgAttendee *self)
{
  g_return_val_if_fail (EVG_IS_ATTENDEE (self), FALSE);
  return self->due && self->values[EVG_ATTENDANCE_EXCLUDED_REASON] == NULL;
}

/* Whether the member counts as present (实到): counted, and there. */
gboolean
evg_attendee_is_present (EvgAttendee *self)
{
  return evg_attendee_counts (self) &&
         evg_attendance_status_is_present (self->values[EVG_ATTENDANCE_STATUS]);
}
