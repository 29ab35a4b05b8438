/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _EvgContext  EvgContext;
typedef struct _EvgFieldSet EvgFieldSet;
typedef struct _EvgHlc      EvgHlc;
typedef struct _EvgStore    EvgStore;
typedef struct _EvgTxn      EvgTxn;

G_END_DECLS
