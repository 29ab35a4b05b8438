/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-party-group"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "evg-party-group.h"

/* A 党小组 as the roster lists it.  The roster replaces the object when the
 * group is renamed, and keeps its member count current. */
struct _EvgPartyGroup
{
  GObject  parent_instance;

  /* Owned */
  char    *id;
  char    *name;
  guint    n_members;
};

G_DEFINE_FINAL_TYPE (EvgPartyGroup, evg_party_group, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_N_MEMBERS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
evg_party_group_finalize (GObject *object)
{
  EvgPartyGroup *self = (EvgPartyGroup *)object;

  g_free (self->id);
  g_free (self->name);

  G_OBJECT_CLASS (evg_party_group_parent_class)->finalize (object);
}

static void
evg_party_group_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  EvgPartyGroup *self = EVG_PARTY_GROUP (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_N_MEMBERS:
      g_value_set_uint (value, self->n_members);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_party_group_class_init (EvgPartyGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = evg_party_group_finalize;
  object_class->get_property = evg_party_group_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * EvgPartyGroup:n-members:
   *
   * How many current members belong to the group; a group can be deleted
   * only when this is 0.
   */
  properties[PROP_N_MEMBERS] =
    g_param_spec_uint ("n-members", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
evg_party_group_init (EvgPartyGroup *self)
{
}

EvgPartyGroup *
evg_party_group_new (const char *id,
                     const char *name)
{
  EvgPartyGroup *self = g_object_new (EVG_TYPE_PARTY_GROUP, NULL);

  self->id = g_strdup (id);
  self->name = g_strdup (name);
  return self;
}

const char *
evg_party_group_get_id (EvgPartyGroup *self)
{
  g_return_val_if_fail (EVG_IS_PARTY_GROUP (self), NULL);
  return self->id;
}

const char *
evg_party_group_get_name (EvgPartyGroup *self)
{
  g_return_val_if_fail (EVG_IS_PARTY_GROUP (self), NULL);
  return self->name;
}

guint
evg_party_group_get_n_members (EvgPartyGroup *self)
{
  g_return_val_if_fail (EVG_IS_PARTY_GROUP (self), 0);
  return self->n_members;
}

void
evg_party_group_set_n_members (EvgPartyGroup *self,
                               guint          n_members)
{
  g_return_if_fail (EVG_IS_PARTY_GROUP (self));

  if (self->n_members == n_members)
    return;
  self->n_members = n_members;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MEMBERS]);
}

static const EvgColumnSpec party_group_columns[] = {
  { .name = "name", .type = EVG_COLUMN_TEXT, .max_chars = 50, .kind = EVG_FIELD_KIND_TEXT,
    .field = "name", .header = "党小组名称", .label = N_("Name") },
  { .name = "sort_order", .type = EVG_COLUMN_INT, .min = -1000000, .max = 1000000,
    .kind = EVG_FIELD_KIND_NUMBER, .field = "sort_order", .header = "排序", .label = N_("Order") },
};

/**
 * evg_party_group_table:
 *
 * The party group record type: see evg-schema.h.
 */
const EvgTableSpec evg_party_group_table = {
  .name = "party_group",
  .label = N_("Party group"),
  .columns = party_group_columns,
  .n_columns = G_N_ELEMENTS (party_group_columns),
  .policy = EVG_MERGE_FIELD_LWW,
};

static int
chinese_digit (gunichar c)
{
  static const gunichar digits[] = { 0x96F6 /* 零 */, 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94,
                                     0x516D, 0x4E03, 0x516B, 0x4E5D };

  if (c == 0x3007 /* 〇 */)
    return 0;
  if (c == 0x4E24 /* 两 */)
    return 2;
  for (guint i = 0; i < G_N_ELEMENTS (digits); i++)
    if (digits[i] == c)
      return (int) i;
  return -1;
}

static int
chinese_unit (gunichar c)
{
  switch (c)
    {
    case 0x5341: return 10;    /* 十 */
    case 0x767E: return 100;   /* 百 */
    case 0x5343: return 1000;  /* 千 */
    default: return -1;
    }
}

/* Reads a Chinese numeral such as 十二 or 一百零五 at @p; returns the
 * position after it, or @p when there is none. */
static const char *
read_chinese_number (const char *p,
                     guint      *value)
{
  guint total = 0, digit = 0;
  gboolean any = FALSE;

  for (;; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      int d = chinese_digit (c), unit = chinese_unit (c);

      if (d >= 0)
        digit = (guint) d;
      else if (unit > 0)
        {
          /* 十二 means one ten and two. */
          total += (digit == 0 && !any ? 1 : digit) * (guint) unit;
          digit = 0;
        }
      else
        break;
      any = TRUE;
    }
  *value = total + digit;
  return p;
}

/**
 * evg_party_group_sort_name:
 * @name: a party group's name
 *
 * Returns the text a group's name sorts by: its numbers, in digits or in
 * Chinese (第一, 第十二, 3组), become fixed-width digits, so that 第二 comes
 * before 第十 and 第十二 as a reader expects and not by the characters'
 * readings.  A Chinese numeral counts only after 第 or at the start of the
 * name, where it numbers the group; elsewhere it is part of a word.
 */
char *
evg_party_group_sort_name (const char *name)
{
  GString *out = g_string_new (NULL);
  gboolean after_ordinal = TRUE;

  g_return_val_if_fail (name != NULL, NULL);

  for (const char *p = name; *p != '\0';)
    {
      gunichar c = g_utf8_get_char (p);
      guint value = 0;
      const char *end = p;

      if (g_ascii_isdigit (*p))
        {
          for (; g_ascii_isdigit (*end); end++)
            value = value < 99999999u ? value * 10 + (guint) (*end - '0') : 999999999u;
        }
      else if (after_ordinal)
        end = read_chinese_number (p, &value);

      if (end != p)
        {
          g_string_append_printf (out, "%010u", value);
          p = end;
          after_ordinal = FALSE;
          continue;
        }
      g_string_append_unichar (out, c);
      after_ordinal = c == 0x7B2C;  /* 第 */
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}
