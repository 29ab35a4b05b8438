/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "evg-server-db.h"

G_BEGIN_DECLS

/* The residents' public page (issue #16) in the server's store: whether a
 * branch's page is on, a message received from a resident written into the
 * branch's change log as a change of the server's own, and what the
 * message's status page may show of it.  All functions block. */

/* The change a message becomes has the message's id with this suffix as
 * its change id, and this site: no workstation made it. */
#define EVG_SERVER_WEB_SUFFIX ".w"
#define EVG_SERVER_SITE       "server"

typedef enum
{
  EVG_PUBLIC_SOURCE_FORM,
  EVG_PUBLIC_SOURCE_OPEN311,
} EvgPublicSource;

/* What a resident wrote, checked already (evg-server-public.c). */
typedef struct
{
  const char *category;   /* a code of the feedback table's categories */
  const char *content;
  const char *place;      /* nullable */
  const char *from_name;  /* nullable */
  const char *contact;    /* nullable: a phone number as evg_phone_normalize() writes it */
} EvgPublicMessage;

typedef enum
{
  EVG_PUBLIC_SUBMIT_NEW,       /* recorded */
  EVG_PUBLIC_SUBMIT_AGAIN,     /* the same form was sent before: its message, not a new one */
  EVG_PUBLIC_SUBMIT_NO_PAGE,   /* no such branch, or its page is off */
  EVG_PUBLIC_SUBMIT_FULL,      /* the branch has had its daily cap of messages */
  EVG_PUBLIC_SUBMIT_INVALID,   /* the record type's checks refused it */
  EVG_PUBLIC_SUBMIT_FAILED,    /* the database failed: see the error */
} EvgPublicSubmit;

typedef struct
{
  char *at;     /* YYYY-MM-DD HH:MM */
  char *text;
} EvgPublicReply;

/* What a status page shows: never the resident's name or contact, never
 * an internal note. */
typedef struct
{
  char      *id;
  char      *branch_code;
  char      *branch_name;
  char      *received_at;
  char      *category;     /* code */
  char      *content;
  char      *place;        /* nullable */
  char      *status;       /* code: new … closed */
  char      *resolution_due;
  gint64     updated_ms;   /* the message's last change */
  GPtrArray *replies;      /* EvgPublicReply, oldest first */
} EvgPublicStatus;

char            *evg_server_db_dup_form_secret (EvgServerDb      *db,
                                               GError           **error);
EvgPublicSubmit  evg_server_db_submit         (EvgServerDb       *db,
                                               const char        *code,
                                               const EvgPublicMessage *message,
                                               EvgPublicSource    source,
                                               const char        *nonce,
                                               guint              daily_cap,
                                               char             **id,
                                               GError           **error);
EvgPublicStatus *evg_server_db_public_status  (EvgServerDb       *db,
                                               const char        *id,
                                               GError           **error);
void             evg_public_status_free       (EvgPublicStatus   *status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgPublicStatus, evg_public_status_free)

G_END_DECLS
