/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libical-glib/libical-glib.h>

/* What libical reads for the first property @kind of @component: a TEXT
 * value unescaped, any other value as iCalendar writes it (20260305T143000,
 * +0800, CONFIRMED), %NULL when there is no such property; its TZID
 * parameter in @tzid when asked. */
static inline char *
evg_test_ical_property_text (ICalComponent    *component,
                             ICalPropertyKind  kind,
                             char            **tzid)
{
  ICalProperty *property = i_cal_component_get_first_property (component, kind);
  ICalValue *value;
  char *text;

  if (tzid != NULL)
    *tzid = NULL;
  if (property == NULL)
    return NULL;
  if (tzid != NULL)
    *tzid = i_cal_property_get_parameter_as_string (property, "TZID");
  value = i_cal_property_get_value (property);
  if (i_cal_value_isa (value) == I_CAL_TEXT_VALUE)
    text = g_strdup (i_cal_value_get_text (value));
  else
    text = i_cal_value_as_ical_string (value);
  g_object_unref (value);
  g_object_unref (property);
  return text;
}
