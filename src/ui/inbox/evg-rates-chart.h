/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "evg-inbox.h"

G_BEGIN_DECLS

#define EVG_TYPE_RATES_CHART (evg_rates_chart_get_type ())
G_DECLARE_FINAL_TYPE (EvgRatesChart, evg_rates_chart, EVG, RATES_CHART, GtkWidget)

GtkWidget  *evg_rates_chart_new             (void);
void        evg_rates_chart_set_rates       (EvgRatesChart          *self,
                                             const char             *first_month,
                                             const EvgFeedbackRates *rates,
                                             guint                   n_months);
guint       evg_rates_chart_get_n_months    (EvgRatesChart          *self);
const char *evg_rates_chart_get_description (EvgRatesChart          *self);

char       *evg_rates_format_percent        (double                  rate);
char       *evg_rates_dup_month_after       (const char             *month,
                                             int                     n_months);

G_END_DECLS
