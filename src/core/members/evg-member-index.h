/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For src/core only: the roster's compact in-memory picture of every member,
 * which searching, filtering and sorting 100,000 members run on without
 * touching SQLite or holding a GObject per member. */

#include "evg-store.h"

G_BEGIN_DECLS

typedef enum
{
  EVG_INDEX_MALE         = 1 << 0,
  EVG_INDEX_FEMALE       = 1 << 1,
  EVG_INDEX_FULL         = 1 << 2,
  EVG_INDEX_PROBATIONARY = 1 << 3,
  EVG_INDEX_SUSPENDED    = 1 << 4,
  EVG_INDEX_MOBILE       = 1 << 5,
  EVG_INDEX_LOST_CONTACT = 1 << 6,
  EVG_INDEX_FORMER       = 1 << 7,
} EvgIndexFlags;

/* 20 bytes a member.  Entries are kept in rowid order and never move, so
 * an entry's position is a stable handle for the lists built on it.  The
 * rowid takes 32 bits: SQLite numbers new rows from the largest one, so a
 * roster reaches 2^32 only after four billion additions, and the index
 * refuses to load one that has. */
typedef struct
{
  guint32 rowid;
  guint32 text;       /* offset of the search record in the text buffer */
  gint32  birth;      /* Julian day, 0 when unknown */
  gint32  full_on;    /* Julian day of becoming a full member, 0 when none */
  guint16 group;      /* 1 + index into the party groups, 0 for none */
  guint8  flags;      /* EvgIndexFlags */
  guint8  live;       /* 0 once the row is deleted */
} EvgIndexEntry;

typedef struct _EvgMemberIndex EvgMemberIndex;

/* The columns of one member row that the index keeps, as SQLite returns
 * them: text (NULL for NULL) and the lengths of the dates. */
typedef struct
{
  gint64      rowid;
  gboolean    deleted;
  const char *name;
  const char *gender;
  const char *id_number;
  const char *birth_date;
  int         birth_len;
  const char *category;
  const char *party_group_id;
  const char *full_member_on;
  int         full_len;
  const char *phone;
  const char *standing;
  gboolean    lost_contact;
  gboolean    mobile_member;
  gboolean    former;          /* left_reason is not NULL */
} EvgIndexRow;

/* The entries an import makes for its new rows and the ids of the members
 * it updates, collected as it checks the rows, so that the roster need not
 * read 100,000 rows back after the commit. */
typedef struct _EvgIndexAdditions EvgIndexAdditions;

EvgIndexAdditions   *evg_index_additions_new       (void);
void                 evg_index_additions_free      (EvgIndexAdditions *self);
void                 evg_index_additions_add_row   (EvgIndexAdditions *self,
                                                    const EvgIndexRow *row);
void                 evg_index_additions_add_update (EvgIndexAdditions *self,
                                                     const char        *id);
guint                evg_index_additions_get_n_rows (EvgIndexAdditions *self);
void                 evg_index_additions_set_first_rowid (EvgIndexAdditions *self,
                                                          gint64             rowid);

EvgMemberIndex      *evg_member_index_new          (void);
void                 evg_member_index_free         (EvgMemberIndex  *self);
void                 evg_member_index_take         (EvgMemberIndex  *self,
                                                    EvgMemberIndex  *other);
gboolean             evg_member_index_load         (EvgMemberIndex  *self,
                                                    EvgStore        *store,
                                                    GError         **error);
gboolean             evg_member_index_refresh      (EvgMemberIndex  *self,
                                                    EvgStore        *store,
                                                    GPtrArray       *ids,
                                                    GArray          *changed,
                                                    GError         **error);
gboolean             evg_member_index_add          (EvgMemberIndex     *self,
                                                    EvgStore           *store,
                                                    EvgIndexAdditions  *additions,
                                                    GError            **error);
gboolean             evg_member_index_load_groups  (EvgMemberIndex  *self,
                                                    EvgStore        *store,
                                                    GError         **error);
guint                evg_member_index_get_n_entries (EvgMemberIndex *self);
guint                evg_member_index_get_n_live   (EvgMemberIndex  *self);
const EvgIndexEntry *evg_member_index_get_entry    (EvgMemberIndex  *self,
                                                    guint            i);
const EvgIndexEntry *evg_member_index_peek_entries (EvgMemberIndex  *self);
const char          *evg_member_index_get_record   (EvgMemberIndex  *self,
                                                    guint            i);
int                  evg_member_index_find_rowid   (EvgMemberIndex  *self,
                                                    gint64           rowid);
guint                evg_member_index_get_group_rank (EvgMemberIndex *self,
                                                      guint16         group);
int                  evg_member_index_find_group   (EvgMemberIndex  *self,
                                                    const char      *group_id);
const char          *evg_member_index_get_group_name (EvgMemberIndex *self,
                                                      guint16         group);

char                *evg_member_index_normalize_query (const char    *text);
void                 evg_member_index_match_all    (EvgMemberIndex  *self,
                                                    const char      *needle,
                                                    guint8          *marks);
gboolean             evg_member_index_match        (EvgMemberIndex  *self,
                                                    guint            i,
                                                    const char      *needle);
int                  evg_member_index_compare_names (EvgMemberIndex *self,
                                                     guint           a,
                                                     guint           b);
typedef struct
{
  guint64 hi, lo;
} EvgNameKey;

EvgNameKey          *evg_member_index_make_name_keys (EvgMemberIndex *self);
int                  evg_member_index_compare_keyed_names (EvgMemberIndex   *self,
                                                           const EvgNameKey *keys,
                                                           guint             a,
                                                           guint             b);
void                 evg_member_index_prepare_name_order (EvgMemberIndex *self);
GArray              *evg_member_index_steal_name_order (EvgMemberIndex *self);
const GArray        *evg_member_index_peek_name_order (EvgMemberIndex *self);
int                  evg_member_index_compare_names_after_key (EvgMemberIndex *self,
                                                               guint           a,
                                                               guint           b);

G_END_DECLS
