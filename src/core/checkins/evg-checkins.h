/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "evg-checkin.h"
#include "evg-record.h"
#include "evg-store.h"
#include "evg-whistle.h"

G_BEGIN_DECLS

/* 吹哨报到: the service of the check-ins page, the kiosk and the
 * `whistles` and `checkins` commands.  It keeps the whistles in a list
 * model (those members may still report to first, by start; then the
 * rest, latest first), checks members in and out, and works out service
 * hours from the check-ins each time they are asked for. */

#define EVG_CHECKINS_ERROR (evg_checkins_error_quark ())

typedef enum
{
  EVG_CHECKINS_ERROR_INVALID,         /* the record breaks a rule; see the message */
  EVG_CHECKINS_ERROR_NOT_FOUND,       /* no such whistle */
  EVG_CHECKINS_ERROR_CLOSED,          /* the whistle is closed or cancelled */
  EVG_CHECKINS_ERROR_NOT_MEMBER,      /* not a member, or one who has left */
  EVG_CHECKINS_ERROR_NOT_CHECKED_IN,  /* a check-out before any check-in */
} EvgCheckinsError;

/* What a check-in or check-out did, for the confirmation. */
typedef struct
{
  gboolean  already;        /* nothing changed: it was recorded before */
  gboolean  left;           /* the member is checked out */
  char     *member_id;
  char     *name;
  char     *arrived_at;
  char     *left_at;
  int       minutes;        /* of this check-in; -1 while the member is there */
  int       year_minutes;   /* the member's service this year, this one included */
  guint     target_hours;
} EvgCheckinResult;

/* One member's service in a year, against the target. */
typedef struct
{
  char     *member_id;
  char     *name;
  char     *id_number;
  char     *party_group;
  int       minutes;
  guint     target_hours;
  gboolean  behind;         /* below the target times the share of the year gone */
} EvgServiceHours;

#define EVG_TYPE_CHECKIN_ROW (evg_checkin_row_get_type ())
G_DECLARE_FINAL_TYPE (EvgCheckinRow, evg_checkin_row, EVG, CHECKIN_ROW, GObject)

#define EVG_TYPE_CHECKINS (evg_checkins_get_type ())
G_DECLARE_FINAL_TYPE (EvgCheckins, evg_checkins, EVG, CHECKINS, GObject)

GQuark        evg_checkins_error_quark      (void);
EvgCheckins  *evg_checkins_new              (EvgStore     *store,
                                             GError      **error);
EvgStore     *evg_checkins_get_store        (EvgCheckins  *self);
void          evg_checkins_set_target_hours (EvgCheckins  *self,
                                             guint         hours);
guint         evg_checkins_get_target_hours (EvgCheckins  *self);

/* Whistles */
GListModel   *evg_checkins_get_whistles     (EvgCheckins  *self);
EvgRecord    *evg_checkins_lookup_whistle   (EvgCheckins  *self,
                                             const char   *id);
char         *evg_checkins_save_whistle     (EvgCheckins  *self,
                                             EvgRecord    *whistle,
                                             GError      **error);
gboolean      evg_checkins_close_whistle    (EvgCheckins  *self,
                                             const char   *id,
                                             const char   *status,
                                             GError      **error);
guint         evg_checkins_count_reported   (EvgCheckins  *self,
                                             const char   *whistle_id);
guint         evg_checkins_count_unconfirmed (EvgCheckins *self,
                                              const char  *whistle_id,
                                              const char  *now);

/* Check-ins */
char         *evg_checkins_find_member      (EvgCheckins  *self,
                                             const char   *code,
                                             GError      **error);
gboolean      evg_checkins_check_in         (EvgCheckins  *self,
                                             const char   *whistle_id,
                                             const char   *member_id,
                                             const char   *at,
                                             const char   *source,
                                             const char   *recorded_by,
                                             EvgCheckinResult *result,
                                             GError      **error);
gboolean      evg_checkins_check_out        (EvgCheckins  *self,
                                             const char   *whistle_id,
                                             const char   *member_id,
                                             const char   *at,
                                             EvgCheckinResult *result,
                                             GError      **error);
gboolean      evg_checkins_toggle           (EvgCheckins  *self,
                                             const char   *whistle_id,
                                             const char   *member_id,
                                             const char   *at,
                                             const char   *source,
                                             EvgCheckinResult *result,
                                             GError      **error);
gboolean      evg_checkins_kiosk            (EvgCheckins  *self,
                                             const char   *whistle_id,
                                             const char   *member_id,
                                             const char   *at,
                                             EvgCheckinResult *result,
                                             GError      **error);
gboolean      evg_checkins_confirm          (EvgCheckins  *self,
                                             const char   *whistle_id,
                                             const char   *member_id,
                                             const char   *left_at,
                                             GError      **error);
gboolean      evg_checkins_remove           (EvgCheckins  *self,
                                             const char   *whistle_id,
                                             const char   *member_id,
                                             GError      **error);
GListModel   *evg_checkins_list             (EvgCheckins  *self,
                                             const char   *whistle_id,
                                             const char   *now,
                                             GError      **error);
void          evg_checkin_result_clear      (EvgCheckinResult *result);

/* Service hours */
int           evg_checkins_member_minutes   (EvgCheckins  *self,
                                             const char   *member_id,
                                             int           year,
                                             const char   *now,
                                             GError      **error);
GPtrArray    *evg_checkins_year_hours       (EvgCheckins  *self,
                                             int           year,
                                             const char   *now,
                                             GError      **error);
void          evg_checkins_year_hours_async (EvgCheckins  *self,
                                             int           year,
                                             const char   *now,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer      user_data);
GPtrArray    *evg_checkins_year_hours_finish (EvgCheckins *self,
                                              GAsyncResult *result,
                                              GError      **error);
gboolean      evg_checkins_is_behind        (EvgCheckins  *self,
                                             int           minutes,
                                             int           year,
                                             const char   *now);
GPtrArray    *evg_service_hours_to_rows     (GPtrArray    *ranking);
const char * const *evg_service_hours_get_headers (guint  *n_columns);
gboolean      evg_service_hours_write       (GPtrArray    *ranking,
                                             const char   *path,
                                             GError      **error);
void          evg_service_hours_free        (EvgServiceHours *hours);
char         *evg_format_hours              (int           minutes);

/* A check-in as the whistle's detail shows it. */
const char   *evg_checkin_row_get_member_id (EvgCheckinRow *self);
const char   *evg_checkin_row_get_name      (EvgCheckinRow *self);
const char   *evg_checkin_row_get_id_number (EvgCheckinRow *self);
const char   *evg_checkin_row_get          (EvgCheckinRow *self,
                                             EvgCheckinField field);
int           evg_checkin_row_get_minutes   (EvgCheckinRow *self);
gboolean      evg_checkin_row_get_flagged   (EvgCheckinRow *self);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EvgCheckinResult, evg_checkin_result_clear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgServiceHours, evg_service_hours_free)

G_END_DECLS
