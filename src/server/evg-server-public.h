/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "evg-server-db.h"

G_BEGIN_DECLS

/* The public side of the server (issue #16): the residents' form and
 * status pages under /f/, and a subset of Open311 GeoReport v2 under
 * /open311/v2/, over the same routing into a branch's inbox.  Nothing here
 * needs a token; what a branch sees of it arrives through its pulls. */

/* A form's body: a message of 2,000 Chinese characters, each written as
 * nine bytes of percent escapes, and the rest of the form fit in it. */
#define EVG_PUBLIC_MAX_BODY              (32 * 1024)
#define EVG_PUBLIC_DEFAULT_PER_ADDRESS   20     /* messages from one address an hour */
#define EVG_PUBLIC_DEFAULT_DAILY_CAP     200    /* messages one branch takes a day */
/* How long a form stays good after it was served. */
#define EVG_PUBLIC_TOKEN_TTL_S           (12 * 3600)

typedef enum
{
  EVG_PUBLIC_ROUTE_NONE,        /* not a public path */
  EVG_PUBLIC_ROUTE_FORM,        /* /f/CODE */
  EVG_PUBLIC_ROUTE_STATUS,      /* /f/status/ID */
  EVG_PUBLIC_ROUTE_NO_PAGE,     /* anything else under /f/ */
  EVG_PUBLIC_ROUTE_SERVICES,    /* /open311/v2/services.json */
  EVG_PUBLIC_ROUTE_REQUESTS,    /* /open311/v2/requests.json */
  EVG_PUBLIC_ROUTE_REQUEST,     /* /open311/v2/requests/ID.json */
  EVG_PUBLIC_ROUTE_NO_API,      /* anything else under /open311/ */
} EvgPublicRoute;

/* What every public request needs besides its own data. */
typedef struct
{
  const char *secret;       /* signs the forms' tokens */
  guint       daily_cap;    /* 0: none */
} EvgPublicContext;

EvgPublicRoute evg_public_route          (const char          *path);
const char    *evg_public_allowed        (EvgPublicRoute       route,
                                          const char          *method);
gboolean       evg_public_is_submission  (EvgPublicRoute       route,
                                          const char          *method);
void           evg_public_refuse         (EvgPublicRoute       route,
                                          guint                status,
                                          EvgServerReply      *reply);
void           evg_public_handle         (EvgServerDb         *db,
                                          const EvgPublicContext *context,
                                          EvgPublicRoute       route,
                                          const char          *method,
                                          const char          *path,
                                          GHashTable          *query,
                                          const char          *content_type,
                                          const guint8        *body,
                                          gsize                length,
                                          EvgServerReply      *reply);
char          *evg_public_make_token     (const char          *secret,
                                          const char          *code,
                                          gint64               now_s);

G_END_DECLS
