/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-context.h"
#include "evg-rates-chart.h"

G_BEGIN_DECLS

#define EVG_TYPE_RATES_VIEW (evg_rates_view_get_type ())
G_DECLARE_FINAL_TYPE (EvgRatesView, evg_rates_view, EVG, RATES_VIEW, GtkWidget)

void           evg_rates_view_set_context    (EvgRatesView *self,
                                              EvgContext   *context);
void           evg_rates_view_set_month      (EvgRatesView *self,
                                              const char   *month);
const char    *evg_rates_view_get_month      (EvgRatesView *self);
void           evg_rates_view_set_category   (EvgRatesView *self,
                                              const char   *category);
void           evg_rates_view_load           (EvgRatesView *self);
gboolean       evg_rates_view_export         (EvgRatesView *self,
                                              const char   *path);

/* For tests: what the view shows. */
gboolean       evg_rates_view_get_loading    (EvgRatesView *self);
const char    *evg_rates_view_get_rate_text  (EvgRatesView *self,
                                              EvgRate       rate);
const char    *evg_rates_view_get_formula    (EvgRatesView *self,
                                              EvgRate       rate);
const char    *evg_rates_view_get_error      (EvgRatesView *self);
EvgRatesChart *evg_rates_view_get_chart      (EvgRatesView *self);

G_END_DECLS
