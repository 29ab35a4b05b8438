/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE  /* memmem() */
#define G_LOG_DOMAIN "evg-member-index"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-member-index.h"
#include "evg-party-group.h"
#include "evg-pinyin.h"
#include "evg-store-private.h"

/* Each member has one search record in a single text buffer:
 *
 *   pinyin \1 name \1 initials \1 phone digits \1 id number \0
 *
 * lower-cased.  A search is one memmem() over the whole buffer, which is far
 * quicker than 100,000 separate comparisons; \1 and \0 never occur in a
 * query, so a match cannot straddle two fields or two members.  Because the
 * record starts with the pinyin and then the name, comparing two records
 * with strcmp() sorts names the way a Chinese reader expects.  A changed
 * member gets a new record at the end and its old one is blanked out with
 * \1, so it can no longer match; the buffer is compacted when half of it is
 * dead. */

#define DEAD_ENTRY G_MAXUINT32

typedef struct
{
  guint32 offset;
  guint32 entry;     /* DEAD_ENTRY once the record was replaced */
} Record;

struct _EvgMemberIndex
{
  GArray    *entries;      /* EvgIndexEntry, in rowid order */
  GArray    *records;      /* Record, in buffer order */
  char      *text;
  gsize      text_len;
  gsize      text_alloc;
  gsize      dead_bytes;
  guint      n_live;

  GPtrArray  *group_ids;   /* index → party group id */
  GPtrArray  *group_names;
  GArray     *group_ranks; /* index → position in the groups' display order */
  GHashTable *group_by_id; /* id → 1 + index */

  GArray     *name_order;  /* (nullable) live entries by name, made by a worker */
};

#define MEMBER_COLUMNS \
  "rowid, deleted, name, gender, id_number, birth_date, category, party_group_id, " \
  "full_member_on, phone, standing, lost_contact, mobile_member, left_reason"

EvgMemberIndex *
evg_member_index_new (void)
{
  EvgMemberIndex *self = g_new0 (EvgMemberIndex, 1);

  self->entries = g_array_new (FALSE, FALSE, sizeof (EvgIndexEntry));
  self->records = g_array_new (FALSE, FALSE, sizeof (Record));
  self->group_ids = g_ptr_array_new_with_free_func (g_free);
  self->group_names = g_ptr_array_new_with_free_func (g_free);
  self->group_ranks = g_array_new (FALSE, TRUE, sizeof (guint));
  self->group_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  return self;
}

void
evg_member_index_free (EvgMemberIndex *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->entries);
  g_array_unref (self->records);
  g_free (self->text);
  g_hash_table_unref (self->group_by_id);
  g_ptr_array_unref (self->group_ids);
  g_ptr_array_unref (self->group_names);
  g_array_unref (self->group_ranks);
  g_clear_pointer (&self->name_order, g_array_unref);
  g_free (self);
}

/**
 * evg_member_index_take:
 * @other: (transfer full): an index read elsewhere, for example in a worker
 *
 * Moves what @other holds into @self and frees @other.  Lists keep a
 * pointer to their roster's index, so an index read in a worker replaces
 * the contents, never the pointer.
 */
void
evg_member_index_take (EvgMemberIndex *self,
                       EvgMemberIndex *other)
{
  EvgMemberIndex old = *self;

  *self = *other;
  *other = old;
  evg_member_index_free (other);
}

static gint32
julian_slow (const char *text)
{
  guint y, m, d;

  /* The store keeps dates as YYYY-MM-DD, so a fixed-format read is enough. */
  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return 0;
  y = (guint) g_ascii_strtoull (text, NULL, 10);
  m = (guint) g_ascii_strtoull (text + 5, NULL, 10);
  d = (guint) g_ascii_strtoull (text + 8, NULL, 10);
  if (!g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return 0;
  {
    GDate date;

    g_date_clear (&date, 1);
    g_date_set_dmy (&date, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
    return (gint32) g_date_get_julian (&date);
  }
}

/* Days from 1 January of year 1 to the given date, as g_date_get_julian()
 * counts them (1 for 0001-01-01). */
static gint32
julian_day (guint y, guint m, guint d)
{
  static const guint16 before[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
  guint yy = y - 1;
  guint days = yy * 365 + yy / 4 - yy / 100 + yy / 400 + before[m - 1] + d;

  if (m > 2 && g_date_is_leap_year ((GDateYear) y))
    days++;
  return (gint32) days;
}

static inline guint
digits (const char *text,
        guint       n)
{
  guint v = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return G_MAXUINT;
      v = v * 10 + (guint) (text[i] - '0');
    }
  return v;
}

static gint32
julian (const char *text,
        int         len)
{
  guint y, m, d;

  /* The store keeps dates as YYYY-MM-DD, so a fixed-format read is enough. */
  if (text == NULL)
    return 0;
  if (len != 10 || text[4] != '-' || text[7] != '-')
    return julian_slow (text);
  y = digits (text, 4);
  m = digits (text + 5, 2);
  d = digits (text + 8, 2);
  if (y == G_MAXUINT || m == G_MAXUINT || d == G_MAXUINT)
    return julian_slow (text);
  if (!g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return 0;
  return julian_day (y, m, d);
}

static void
text_append (EvgMemberIndex *self,
             const char     *bytes,
             gsize           len)
{
  if (self->text_len + len > self->text_alloc)
    {
      self->text_alloc = MAX (self->text_alloc * 3 / 2, self->text_len + len + 4096);
      self->text = g_realloc (self->text, self->text_alloc);
    }
  memcpy (self->text + self->text_len, bytes, len);
  self->text_len += len;
}

static void
append_lower (GString    *out,
              const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (*p != ' ' && *p != '-')
      g_string_append_c (out, g_ascii_tolower (*p));
}

static void
append_digits (GString    *out,
               const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (out, *p);
}

/* Reads the row @stmt is on, which selected MEMBER_COLUMNS. */
static void
row_from_stmt (EvgIndexRow  *row,
               sqlite3_stmt *stmt)
{
  row->rowid = sqlite3_column_int64 (stmt, 0);
  row->deleted = sqlite3_column_int (stmt, 1) != 0;
  row->name = (const char *) sqlite3_column_text (stmt, 2);
  row->gender = (const char *) sqlite3_column_text (stmt, 3);
  row->id_number = (const char *) sqlite3_column_text (stmt, 4);
  row->birth_date = (const char *) sqlite3_column_text (stmt, 5);
  row->birth_len = sqlite3_column_bytes (stmt, 5);
  row->category = (const char *) sqlite3_column_text (stmt, 6);
  row->party_group_id = (const char *) sqlite3_column_text (stmt, 7);
  row->full_member_on = (const char *) sqlite3_column_text (stmt, 8);
  row->full_len = sqlite3_column_bytes (stmt, 8);
  row->phone = (const char *) sqlite3_column_text (stmt, 9);
  row->standing = (const char *) sqlite3_column_text (stmt, 10);
  row->lost_contact = sqlite3_column_int (stmt, 11) != 0;
  row->mobile_member = sqlite3_column_int (stmt, 12) != 0;
  row->former = sqlite3_column_type (stmt, 13) != SQLITE_NULL;
}

/* Writes the search record of @row into @scratch, NUL included in its
 * length. */
static void
format_record (const EvgIndexRow *row,
               GString           *scratch,
               GString           *initials)
{
  g_string_truncate (scratch, 0);
  g_string_truncate (initials, 0);
  evg_pinyin_convert (row->name != NULL ? row->name : "", TRUE, scratch, initials);
  g_string_append_c (scratch, '\1');
  append_lower (scratch, row->name);
  g_string_append_c (scratch, '\1');
  g_string_append_len (scratch, initials->str, initials->len);
  g_string_append_c (scratch, '\1');
  append_digits (scratch, row->phone);
  g_string_append_c (scratch, '\1');
  append_lower (scratch, row->id_number);
  g_string_append_len (scratch, "", 1);
}

/* Writes the search record of @row and points @entry at it. */
static void
write_record (EvgMemberIndex    *self,
              guint              index,
              EvgIndexEntry     *entry,
              const EvgIndexRow *row,
              GString           *scratch,
              GString           *initials)
{
  Record record;

  format_record (row, scratch, initials);
  record.offset = (guint32) self->text_len;
  record.entry = index;
  g_array_append_val (self->records, record);
  entry->text = record.offset;
  text_append (self, scratch->str, scratch->len);
}

/* Fills what @entry holds of @row but its rowid, text and group. */
static void
fill_entry (EvgIndexEntry     *entry,
            const EvgIndexRow *row)
{
  guint8 flags = 0;

  entry->live = !row->deleted;
  entry->birth = julian (row->birth_date, row->birth_len);
  entry->full_on = julian (row->full_member_on, row->full_len);

  if (g_strcmp0 (row->gender, "male") == 0)
    flags |= EVG_INDEX_MALE;
  else if (g_strcmp0 (row->gender, "female") == 0)
    flags |= EVG_INDEX_FEMALE;
  if (g_strcmp0 (row->category, "full") == 0)
    flags |= EVG_INDEX_FULL;
  else if (g_strcmp0 (row->category, "probationary") == 0)
    flags |= EVG_INDEX_PROBATIONARY;
  if (g_strcmp0 (row->standing, "suspended") == 0)
    flags |= EVG_INDEX_SUSPENDED;
  if (row->lost_contact)
    flags |= EVG_INDEX_LOST_CONTACT;
  if (row->mobile_member)
    flags |= EVG_INDEX_MOBILE;
  if (row->former)
    flags |= EVG_INDEX_FORMER;
  entry->flags = flags;
}

/* Fills @entry from @row; FALSE when the row's rowid does not fit an
 * entry. */
static gboolean
read_entry (EvgMemberIndex    *self,
            EvgIndexEntry     *entry,
            const EvgIndexRow *row)
{
  if (row->rowid <= 0 || row->rowid > G_MAXUINT32)
    return FALSE;
  entry->rowid = (guint32) row->rowid;
  fill_entry (entry, row);
  entry->group = row->party_group_id != NULL
                 ? (guint16) GPOINTER_TO_UINT (g_hash_table_lookup (self->group_by_id, row->party_group_id))
                 : 0;
  return TRUE;
}

static int
compare_group_names (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  GPtrArray *keys = user_data;
  guint ia = *(const guint *) a, ib = *(const guint *) b;

  return strcmp (g_ptr_array_index (keys, ia), g_ptr_array_index (keys, ib));
}

/**
 * evg_member_index_load_groups:
 *
 * Reads the live party groups and their display order (sort_order, then
 * the pinyin of the name with its numbers compared as numbers).  Members must be loaded again afterwards, since
 * their group numbers refer to this list.
 */
gboolean
evg_member_index_load_groups (EvgMemberIndex  *self,
                              EvgStore        *store,
                              GError         **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  sqlite3_stmt *stmt;
  int rc;

  stmt = evg_store_prepare (store, "SELECT id, name, sort_order FROM party_group "
                                   "WHERE deleted = 0 ORDER BY rowid", error);
  if (stmt == NULL)
    return FALSE;

  g_hash_table_remove_all (self->group_by_id);
  g_ptr_array_set_size (self->group_ids, 0);
  g_ptr_array_set_size (self->group_names, 0);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 1);
      g_autofree char *sort_name = evg_party_group_sort_name (name);
      g_autofree char *pinyin = evg_pinyin_full (sort_name);
      guint n = self->group_ids->len;

      if (n >= G_MAXUINT16 - 1)
        break;
      g_ptr_array_add (self->group_ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_ptr_array_add (self->group_names, g_strdup (name));
      g_ptr_array_add (keys, g_strdup_printf ("%020" G_GINT64_FORMAT "\1%s\1%s",
                                              (gint64) sqlite3_column_int64 (stmt, 2) + G_GINT64_CONSTANT (1000000000),
                                              pinyin, name));
      g_array_append_val (order, n);
      g_hash_table_insert (self->group_by_id, g_ptr_array_index (self->group_ids, n),
                           GUINT_TO_POINTER (n + 1));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      evg_store_set_error (store, rc, error);
      return FALSE;
    }

  g_array_sort_with_data (order, compare_group_names, keys);
  g_array_set_size (self->group_ranks, order->len);
  for (guint i = 0; i < order->len; i++)
    g_array_index (self->group_ranks, guint, g_array_index (order, guint, i)) = i;
  return TRUE;
}

/* A typical search record is about 60 bytes. */
#define TEXT_PER_MEMBER 64
#define MAX_HINT (1u << 22)

/* An upper bound for the number of member rows, to size arrays by. */
static guint
max_rowid (EvgStore *store)
{
  sqlite3_stmt *stmt = evg_store_prepare (store, "SELECT max(rowid) FROM member", NULL);
  gint64 n = 0;

  if (stmt == NULL)
    return 0;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return (guint) CLAMP (n, 0, (gint64) MAX_HINT);
}

/**
 * evg_member_index_load:
 *
 * Reads every member row, tombstones included so that entries stay in
 * rowid order when a deleted member is restored.
 */
gboolean
evg_member_index_load (EvgMemberIndex  *self,
                       EvgStore        *store,
                       GError         **error)
{
  g_autoptr(GString) scratch = g_string_new (NULL);
  g_autoptr(GString) initials = g_string_new (NULL);
  sqlite3_stmt *stmt;
  guint hint;
  int rc;

  g_clear_pointer (&self->name_order, g_array_unref);
  if (!evg_member_index_load_groups (self, store, error))
    return FALSE;

  stmt = evg_store_prepare (store, "SELECT " MEMBER_COLUMNS " FROM member ORDER BY rowid", error);
  if (stmt == NULL)
    return FALSE;

  /* Size the arrays and the text buffer once, rather than growing them
   * (and copying them) row by row.  max(rowid) is a lookup, where count(*)
   * would read the whole table; it bounds the row count. */
  hint = max_rowid (store);
  g_array_unref (self->entries);
  g_array_unref (self->records);
  self->entries = g_array_sized_new (FALSE, FALSE, sizeof (EvgIndexEntry), hint);
  self->records = g_array_sized_new (FALSE, FALSE, sizeof (Record), hint);
  if (self->text_alloc < (gsize) hint * TEXT_PER_MEMBER)
    {
      g_free (self->text);
      self->text_alloc = (gsize) hint * TEXT_PER_MEMBER;
      self->text = g_malloc (self->text_alloc);
    }
  self->text_len = 0;
  self->dead_bytes = 0;
  self->n_live = 0;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      EvgIndexEntry entry = { 0 };
      EvgIndexRow row;
      guint index = self->entries->len;

      row_from_stmt (&row, stmt);
      if (!read_entry (self, &entry, &row))
        {
          sqlite3_reset (stmt);
          g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_CORRUPT,
                       _("The roster has a member record numbered beyond 4294967295, which this version cannot show."));
          return FALSE;
        }
      if (entry.live)
        {
          write_record (self, index, &entry, &row, scratch, initials);
          self->n_live++;
        }
      g_array_append_val (self->entries, entry);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      evg_store_set_error (store, rc, error);
      return FALSE;
    }
  return TRUE;
}

static void
kill_record (EvgMemberIndex *self,
             guint           index)
{
  EvgIndexEntry *entry = &g_array_index (self->entries, EvgIndexEntry, index);
  char *start;
  gsize len;
  guint lo = 0, hi = self->records->len;

  if (!entry->live)
    return;

  start = self->text + entry->text;
  len = strlen (start);
  memset (start, '\1', len);
  self->dead_bytes += len + 1;

  /* Records are in offset order, so the record is found by bisection. */
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (self->records, Record, mid).offset < entry->text)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo < self->records->len && g_array_index (self->records, Record, lo).offset == entry->text)
    g_array_index (self->records, Record, lo).entry = DEAD_ENTRY;
}

/* Rewrites the buffer with the live records only. */
static void
compact (EvgMemberIndex *self)
{
  char *old = self->text;
  gsize old_len = self->text_len;

  self->text = NULL;
  self->text_len = 0;
  self->text_alloc = 0;
  self->dead_bytes = 0;
  g_array_set_size (self->records, 0);

  for (guint i = 0; i < self->entries->len; i++)
    {
      EvgIndexEntry *entry = &g_array_index (self->entries, EvgIndexEntry, i);
      Record record;
      gsize len;

      if (!entry->live)
        continue;
      g_assert (entry->text < old_len);
      len = strlen (old + entry->text) + 1;
      record.offset = (guint32) self->text_len;
      record.entry = i;
      text_append (self, old + entry->text, len);
      entry->text = record.offset;
      g_array_append_val (self->records, record);
    }
  g_free (old);
}

int
evg_member_index_find_rowid (EvgMemberIndex *self,
                             gint64          rowid)
{
  guint lo = 0, hi = self->entries->len;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      gint64 here = (gint64) g_array_index (self->entries, EvgIndexEntry, mid).rowid;

      if (here == rowid)
        return (int) mid;
      if (here < rowid)
        lo = mid + 1;
      else
        hi = mid;
    }
  return -1;
}

/**
 * evg_member_index_refresh:
 * @ids: the ids of the member rows that changed
 * @changed: (element-type guint): receives the entries that changed
 *
 * Brings the entries of @ids up to date.  Returns %FALSE without @error set
 * when the change cannot be applied in place and the index must be loaded
 * again.
 */
gboolean
evg_member_index_refresh (EvgMemberIndex  *self,
                          EvgStore        *store,
                          GPtrArray       *ids,
                          GArray          *changed,
                          GError         **error)
{
  g_autoptr(GString) scratch = g_string_new (NULL);
  g_autoptr(GString) initials = g_string_new (NULL);
  sqlite3_stmt *stmt;

  g_clear_pointer (&self->name_order, g_array_unref);
  stmt = evg_store_prepare (store, "SELECT " MEMBER_COLUMNS " FROM member WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    {
      EvgIndexEntry entry = { 0 };
      EvgIndexRow row;
      int index;
      int rc;

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, g_ptr_array_index (ids, i), -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_DONE)
        continue;
      if (rc != SQLITE_ROW)
        {
          sqlite3_reset (stmt);
          evg_store_set_error (store, rc, error);
          return FALSE;
        }

      /* A rowid out of range makes the caller load the index again, which
       * reports it. */
      row_from_stmt (&row, stmt);
      if (!read_entry (self, &entry, &row))
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
      index = evg_member_index_find_rowid (self, entry.rowid);
      if (index < 0)
        {
          guint n = self->entries->len;

          if (n > 0 && g_array_index (self->entries, EvgIndexEntry, n - 1).rowid > entry.rowid)
            {
              sqlite3_reset (stmt);
              return FALSE;
            }
          g_array_append_val (self->entries, entry);
          index = (int) n;
        }
      else
        {
          EvgIndexEntry *old = &g_array_index (self->entries, EvgIndexEntry, index);

          if (old->live)
            self->n_live--;
          kill_record (self, (guint) index);
          *old = entry;
        }

      if (entry.live)
        {
          EvgIndexEntry *slot = &g_array_index (self->entries, EvgIndexEntry, index);

          write_record (self, (guint) index, slot, &row, scratch, initials);
          self->n_live++;
        }

      {
        guint u = (guint) index;

        g_array_append_val (changed, u);
      }
    }
  sqlite3_reset (stmt);

  if (self->dead_bytes > 1024 * 1024 && self->dead_bytes > self->text_len / 2)
    compact (self);
  return TRUE;
}

struct _EvgIndexAdditions
{
  GArray     *entries;     /* EvgIndexEntry without rowid: text is an offset
                            * into @text, group 1 + an index of @group_ids */
  GString    *text;
  GPtrArray  *group_ids;
  GHashTable *group_by_id; /* id → 1 + index */
  GPtrArray  *updated;     /* member ids */
  gint64      first_rowid; /* of the first new row; 0 while unknown */
  gboolean    overflow;    /* more groups than an entry can number */
  GString    *scratch;
  GString    *initials;
};

EvgIndexAdditions *
evg_index_additions_new (void)
{
  EvgIndexAdditions *self = g_new0 (EvgIndexAdditions, 1);

  self->entries = g_array_new (FALSE, FALSE, sizeof (EvgIndexEntry));
  self->text = g_string_new (NULL);
  self->group_ids = g_ptr_array_new_with_free_func (g_free);
  self->group_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->updated = g_ptr_array_new_with_free_func (g_free);
  self->scratch = g_string_new (NULL);
  self->initials = g_string_new (NULL);
  return self;
}

void
evg_index_additions_free (EvgIndexAdditions *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->entries);
  g_string_free (self->text, TRUE);
  g_hash_table_unref (self->group_by_id);
  g_ptr_array_unref (self->group_ids);
  g_ptr_array_unref (self->updated);
  g_string_free (self->scratch, TRUE);
  g_string_free (self->initials, TRUE);
  g_free (self);
}

/**
 * evg_index_additions_add_row:
 * @row: a new row as it will be stored; its rowid is not known yet
 *
 * Makes the entry and search record of the next new row, in the order the
 * rows are inserted.
 */
void
evg_index_additions_add_row (EvgIndexAdditions *self,
                             const EvgIndexRow *row)
{
  EvgIndexEntry entry = { 0 };

  fill_entry (&entry, row);
  if (row->party_group_id != NULL)
    {
      guint group = GPOINTER_TO_UINT (g_hash_table_lookup (self->group_by_id, row->party_group_id));

      if (group == 0 && self->group_ids->len < G_MAXUINT16 - 1)
        {
          g_ptr_array_add (self->group_ids, g_strdup (row->party_group_id));
          group = self->group_ids->len;
          g_hash_table_insert (self->group_by_id, g_ptr_array_index (self->group_ids, group - 1),
                               GUINT_TO_POINTER (group));
        }
      else if (group == 0)
        self->overflow = TRUE;
      entry.group = (guint16) group;
    }
  if (entry.live)
    {
      format_record (row, self->scratch, self->initials);
      entry.text = (guint32) self->text->len;
      g_string_append_len (self->text, self->scratch->str, (gssize) self->scratch->len);
    }
  g_array_append_val (self->entries, entry);
}

/* Notes a member the import updates, to be read again after the commit. */
void
evg_index_additions_add_update (EvgIndexAdditions *self,
                                const char        *id)
{
  g_ptr_array_add (self->updated, g_strdup (id));
}

guint
evg_index_additions_get_n_rows (EvgIndexAdditions *self)
{
  return self->entries->len;
}

/**
 * evg_index_additions_set_first_rowid:
 *
 * Tells where the new rows went: the writer vouches that they have
 * consecutive rowids from @rowid on, in the order they were added.
 */
void
evg_index_additions_set_first_rowid (EvgIndexAdditions *self,
                                     gint64             rowid)
{
  self->first_rowid = rowid;
}

/**
 * evg_member_index_add:
 * @additions: what a committed import wrote, its first rowid set
 *
 * Brings the index up to date after an import as evg_member_index_load()
 * would: reads the party groups and the updated members again, and appends
 * the new rows' entries made while the import checked them.  Returns
 * %FALSE without @error set when that cannot be done exactly (the rows are
 * not where they were expected, the groups changed otherwise, or there are
 * so many updates that reading everything is quicker); the index must then
 * be loaded again.
 */
gboolean
evg_member_index_add (EvgMemberIndex     *self,
                      EvgStore           *store,
                      EvgIndexAdditions  *additions,
                      GError            **error)
{
  g_autoptr(GPtrArray) old_groups = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree guint16 *groups = NULL;
  guint n = additions->entries->len;
  guint base_entry;
  gsize base_text;

  if (additions->first_rowid <= 0 || additions->overflow ||
      additions->first_rowid + n - 1 > G_MAXUINT32)
    return FALSE;
  /* Each update is a lookup, while a load reads the rows in one sweep. */
  if ((gsize) additions->updated->len * 4 > (gsize) self->entries->len + n)
    return FALSE;

  /* Groups the import made come after the existing ones, as groups are
   * numbered in rowid order, so the entries' group numbers stay valid;
   * anything else makes the caller read everything again. */
  for (guint i = 0; i < self->group_ids->len; i++)
    g_ptr_array_add (old_groups, g_strdup (g_ptr_array_index (self->group_ids, i)));
  if (!evg_member_index_load_groups (self, store, error))
    return FALSE;
  if (self->group_ids->len < old_groups->len)
    return FALSE;
  for (guint i = 0; i < old_groups->len; i++)
    if (!g_str_equal (g_ptr_array_index (old_groups, i), g_ptr_array_index (self->group_ids, i)))
      return FALSE;

  if (additions->updated->len > 0 &&
      !evg_member_index_refresh (self, store, additions->updated, changed, error))
    return FALSE;

  base_entry = self->entries->len;
  if (base_entry > 0 &&
      g_array_index (self->entries, EvgIndexEntry, base_entry - 1).rowid >= additions->first_rowid)
    return FALSE;

  /* The import's group numbers are its own. */
  groups = g_new0 (guint16, additions->group_ids->len + 1);
  for (guint i = 0; i < additions->group_ids->len; i++)
    groups[i + 1] = (guint16) evg_member_index_find_group (self, g_ptr_array_index (additions->group_ids, i));

  g_clear_pointer (&self->name_order, g_array_unref);
  base_text = self->text_len;
  if (additions->text->len > 0)
    text_append (self, additions->text->str, additions->text->len);
  g_array_set_size (self->entries, base_entry + n);
  for (guint i = 0; i < n; i++)
    {
      EvgIndexEntry *entry = &g_array_index (self->entries, EvgIndexEntry, base_entry + i);

      *entry = g_array_index (additions->entries, EvgIndexEntry, i);
      entry->rowid = (guint32) (additions->first_rowid + i);
      entry->group = groups[entry->group];
      if (entry->live)
        {
          Record record = { (guint32) (entry->text + base_text), base_entry + i };

          entry->text = record.offset;
          g_array_append_val (self->records, record);
          self->n_live++;
        }
    }
  return TRUE;
}

guint
evg_member_index_get_n_entries (EvgMemberIndex *self)
{
  return self->entries->len;
}

guint
evg_member_index_get_n_live (EvgMemberIndex *self)
{
  return self->n_live;
}

const EvgIndexEntry *
evg_member_index_get_entry (EvgMemberIndex *self,
                            guint           i)
{
  g_assert (i < self->entries->len);
  return &g_array_index (self->entries, EvgIndexEntry, i);
}

/* All entries at once, for loops that visit every member. */
const EvgIndexEntry *
evg_member_index_peek_entries (EvgMemberIndex *self)
{
  return (const EvgIndexEntry *) (gpointer) self->entries->data;
}

/* The search record of a live entry, for tests that compare two indexes. */
const char *
evg_member_index_get_record (EvgMemberIndex *self,
                             guint           i)
{
  const EvgIndexEntry *entry = evg_member_index_get_entry (self, i);

  return entry->live ? self->text + entry->text : NULL;
}

guint
evg_member_index_get_group_rank (EvgMemberIndex *self,
                                 guint16         group)
{
  if (group == 0 || group > self->group_ranks->len)
    return G_MAXUINT;
  return g_array_index (self->group_ranks, guint, group - 1);
}

/* Returns 1 + the group's index, or 0 when @group_id is not a live group. */
int
evg_member_index_find_group (EvgMemberIndex *self,
                             const char     *group_id)
{
  if (group_id == NULL)
    return 0;
  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (self->group_by_id, group_id));
}

const char *
evg_member_index_get_group_name (EvgMemberIndex *self,
                                 guint16         group)
{
  if (group == 0 || group > self->group_names->len)
    return NULL;
  return g_ptr_array_index (self->group_names, group - 1);
}

/**
 * evg_member_index_normalize_query:
 *
 * Returns: (transfer full): @text as searched: lower-cased, without spaces
 *   or dashes, full-width letters and digits made ASCII
 */
char *
evg_member_index_normalize_query (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text != NULL ? text : ""; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0xFF01 && c <= 0xFF5E)
        c -= 0xFEE0;
      if (g_unichar_isspace (c) || c == 0x3000 || c == '-' || c < 0x20)
        continue;
      if (c < 0x80)
        g_string_append_c (out, g_ascii_tolower ((char) c));
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/**
 * evg_member_index_match_all:
 * @needle: a normalised query (see evg_member_index_normalize_query())
 * @marks: one byte per entry; set to 1 for each live entry that matches
 */
void
evg_member_index_match_all (EvgMemberIndex *self,
                            const char     *needle,
                            guint8         *marks)
{
  const Record *records = (const Record *) (gpointer) self->records->data;
  guint n_records = self->records->len;
  gsize needle_len = strlen (needle);
  const char *end = self->text + self->text_len;
  const char *p = self->text;
  guint cur = 0;

  /* An empty index may be handed a NULL array, which memset may not take. */
  if (self->entries->len == 0)
    return;
  memset (marks, 0, self->entries->len);

  if (needle_len == 0)
    {
      for (guint i = 0; i < self->entries->len; i++)
        marks[i] = g_array_index (self->entries, EvgIndexEntry, i).live;
      return;
    }

  while (p < end)
    {
      const char *hit = needle_len == 1
                        ? memchr (p, needle[0], (gsize) (end - p))
                        : memmem (p, (gsize) (end - p), needle, needle_len);
      guint32 offset;

      if (hit == NULL)
        break;
      offset = (guint32) (hit - self->text);
      while (cur + 1 < n_records && records[cur + 1].offset <= offset)
        cur++;
      if (records[cur].entry != DEAD_ENTRY)
        marks[records[cur].entry] = 1;
      p = cur + 1 < n_records ? self->text + records[cur + 1].offset : end;
    }
}

gboolean
evg_member_index_match (EvgMemberIndex *self,
                        guint           i,
                        const char      *needle)
{
  const EvgIndexEntry *entry = evg_member_index_get_entry (self, i);

  if (!entry->live)
    return FALSE;
  return *needle == '\0' || strstr (self->text + entry->text, needle) != NULL;
}

/* Orders two live entries by name: pinyin first, then the characters. */
int
evg_member_index_compare_names (EvgMemberIndex *self,
                                guint           a,
                                guint           b)
{
  const EvgIndexEntry *ea = &g_array_index (self->entries, EvgIndexEntry, a);
  const EvgIndexEntry *eb = &g_array_index (self->entries, EvgIndexEntry, b);

  return strcmp (self->text + ea->text, self->text + eb->text);
}

static inline guint64
pack_key (const guchar *p,
          gboolean     *ended)
{
  guint64 key = 0;
  guint j;

  for (j = 0; j < 8 && p[j] != '\0'; j++)
    key = (key << 8) | p[j];
  *ended = j < 8;
  return j == 0 ? 0 : j == 8 ? key : key << (8 * (8 - j));
}

/**
 * evg_member_index_make_name_keys:
 *
 * Returns: (transfer full): for each entry, the first 16 bytes of its
 *   search record as two big-endian numbers (padded with zeroes), so that
 *   comparing two keys orders entries as evg_member_index_compare_names()
 *   does whenever the keys differ; zeroes for dead entries
 */
EvgNameKey *
evg_member_index_make_name_keys (EvgMemberIndex *self)
{
  const EvgIndexEntry *entries = (const EvgIndexEntry *) (gpointer) self->entries->data;
  guint n = self->entries->len;
  EvgNameKey *keys = g_new (EvgNameKey, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      const guchar *p;
      gboolean ended;

      keys[i].hi = keys[i].lo = 0;
      if (!entries[i].live)
        continue;
      p = (const guchar *) self->text + entries[i].text;
      keys[i].hi = pack_key (p, &ended);
      if (!ended)
        keys[i].lo = pack_key (p + 8, &ended);
    }
  return keys;
}

/* evg_member_index_compare_names() for two entries whose keys (see
 * evg_member_index_make_name_keys()) are equal, the last byte of which is
 * not zero: both records go on past their first 16 bytes. */
int
evg_member_index_compare_names_after_key (EvgMemberIndex *self,
                                          guint           a,
                                          guint           b)
{
  const char *ta = self->text + g_array_index (self->entries, EvgIndexEntry, a).text;
  const char *tb = self->text + g_array_index (self->entries, EvgIndexEntry, b).text;

  return strcmp (ta + 16, tb + 16);
}

typedef struct
{
  EvgMemberIndex   *index;
  const EvgNameKey *keys;
} NameOrderData;

/**
 * evg_member_index_compare_keyed_names:
 * @keys: from evg_member_index_make_name_keys()
 *
 * evg_member_index_compare_names(), settled by the keys when they differ.
 */
int
evg_member_index_compare_keyed_names (EvgMemberIndex   *self,
                                      const EvgNameKey *keys,
                                      guint             a,
                                      guint             b)
{
  const EvgNameKey *ka = &keys[a], *kb = &keys[b];

  if (ka->hi != kb->hi)
    return ka->hi < kb->hi ? -1 : 1;
  if (ka->lo != kb->lo)
    return ka->lo < kb->lo ? -1 : 1;
  /* Equal keys: either both records ended within them, and are equal, or
   * both go on. */
  if ((ka->lo & 0xff) == 0)
    return 0;
  return evg_member_index_compare_names_after_key (self, a, b);
}

static int
compare_keyed_names (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  const NameOrderData *data = user_data;

  return evg_member_index_compare_keyed_names (data->index, data->keys,
                                               *(const guint *) a, *(const guint *) b);
}

/**
 * evg_member_index_prepare_name_order:
 *
 * Sorts the live entries by name, as EvgMemberList's first sort would, so
 * that a worker that read the index can also take that sort off the main
 * thread.  Any change of the index drops the result.
 */
void
evg_member_index_prepare_name_order (EvgMemberIndex *self)
{
  const EvgIndexEntry *entries = (const EvgIndexEntry *) (gpointer) self->entries->data;
  g_autofree EvgNameKey *keys = evg_member_index_make_name_keys (self);
  NameOrderData data = { self, keys };
  GArray *order = g_array_sized_new (FALSE, FALSE, sizeof (guint), self->n_live);

  for (guint i = 0; i < self->entries->len; i++)
    if (entries[i].live)
      g_array_append_val (order, i);
  /* A stable sort over entries in index order, as the list's own. */
  g_array_sort_with_data (order, compare_keyed_names, &data);
  g_clear_pointer (&self->name_order, g_array_unref);
  self->name_order = order;
}

/**
 * evg_member_index_steal_name_order:
 *
 * Returns: (transfer full) (nullable): the order made by
 *   evg_member_index_prepare_name_order() if nothing changed since; it is
 *   handed out once, to the first list that sorts by name
 */
GArray *
evg_member_index_steal_name_order (EvgMemberIndex *self)
{
  return g_steal_pointer (&self->name_order);
}

/**
 * evg_member_index_peek_name_order:
 *
 * Returns: (transfer none) (nullable): the order made by
 *   evg_member_index_prepare_name_order(), if no list has taken it yet
 */
const GArray *
evg_member_index_peek_name_order (EvgMemberIndex *self)
{
  return self->name_order;
}
