/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-roster"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-field-set.h"
#include "evg-roster-private.h"
#include "evg-store-private.h"
#include "evg-txn.h"

/* Members a list has shown lately stay materialised, so that scrolling back
 * and forth does not read them again; the rest live only in the index. */
#define CACHE_SIZE 512

/* The roster service: the member records and party groups of the branch,
 * their rules, and the index that its lists (EvgMemberList) search, filter
 * and sort.  It follows the store's `changed` signal, so a change saved by a
 * window, the command line or a sync pull reaches every list alike. */
struct _EvgRoster
{
  GObject         parent_instance;

  /* Owned */
  EvgStore       *store;
  EvgMemberIndex *index;
  GListStore     *groups;
  GHashTable     *cache;        /* entry → EvgMember */
  GQueue          cache_order;  /* entries, oldest first */

  /* While a worker reads the index (see evg_roster_set_background_load()) */
  gboolean        loading;
  gboolean        reloading;        /* a worker reads everything again */
  gboolean        background;       /* made with evg_roster_set_background_load() */
  gboolean        changed_while_loading;

  /* The store's change serial when everything was last read again: the
   * other tables of the same commit need no second reading. */
  guint64         reloaded_at;

  /* (nullable) (unowned) While an import of this roster commits: what its
   * index needs from it, so that it need not read every row again. */
  EvgIndexAdditions *import_additions;

  /* The last quick pick (evg_roster_search()), narrowed while the query
   * grows as someone types, until the roster changes. */
  char           *pick_needle;
  GArray         *pick_found;     /* entries of current members that match it */
  guint64         pick_serial;    /* the store's change serial then */
  guint           pick_entries;   /* and the index's size */
};

static gboolean background_load;

G_DEFINE_FINAL_TYPE (EvgRoster, evg_roster, G_TYPE_OBJECT)
G_DEFINE_QUARK (evg-roster-error-quark, evg_roster_error)

enum {
  PROP_0,
  PROP_STORE,
  PROP_N_MEMBERS,
  PROP_LOADING,
  N_PROPS
};

enum {
  INDEX_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
cache_clear (EvgRoster *self)
{
  g_hash_table_remove_all (self->cache);
  g_queue_clear (&self->cache_order);
}

static void
cache_forget (EvgRoster *self,
              guint      entry)
{
  if (g_hash_table_remove (self->cache, GUINT_TO_POINTER (entry)))
    g_queue_remove (&self->cache_order, GUINT_TO_POINTER (entry));
}

static void
update_group_counts (EvgRoster *self)
{
  guint n_groups = g_list_model_get_n_items (G_LIST_MODEL (self->groups));
  g_autofree guint *counts = g_new0 (guint, n_groups + 1);
  guint n = evg_member_index_get_n_entries (self->index);

  for (guint i = 0; i < n; i++)
    {
      const EvgIndexEntry *entry = evg_member_index_get_entry (self->index, i);

      if (entry->live && (entry->flags & EVG_INDEX_FORMER) == 0 && entry->group <= n_groups)
        counts[entry->group]++;
    }

  for (guint i = 0; i < n_groups; i++)
    {
      g_autoptr(EvgPartyGroup) group = g_list_model_get_item (G_LIST_MODEL (self->groups), i);
      int index = evg_member_index_find_group (self->index, evg_party_group_get_id (group));

      evg_party_group_set_n_members (group, index > 0 ? counts[index] : 0);
    }
}

/* Rebuilds the party group list in display order. */
static void
rebuild_groups (EvgRoster *self)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) sorted = NULL;
  sqlite3_stmt *stmt;

  stmt = evg_store_prepare (self->store, "SELECT id, name FROM party_group WHERE deleted = 0", NULL);
  if (stmt == NULL)
    return;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      int index = evg_member_index_find_group (self->index, id);

      if (index > 0)
        g_ptr_array_add (items, evg_party_group_new (id, (const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_reset (stmt);

  sorted = g_ptr_array_new_full (items->len, g_object_unref);
  g_ptr_array_set_size (sorted, items->len);
  for (guint i = 0; i < items->len; i++)
    {
      EvgPartyGroup *group = g_ptr_array_index (items, i);
      int index = evg_member_index_find_group (self->index, evg_party_group_get_id (group));
      guint rank = evg_member_index_get_group_rank (self->index, (guint16) index);

      g_ptr_array_index (sorted, rank) = g_object_ref (group);
    }

  g_list_store_splice (self->groups, 0, g_list_model_get_n_items (G_LIST_MODEL (self->groups)),
                       sorted->pdata, sorted->len);
  update_group_counts (self);
}

/* After the whole index was read again or grown by an import: the group
 * list, the lists and the member count follow it, and the rest of the same
 * commit's announcements are covered. */
static void
index_renewed (EvgRoster *self,
               guint      before)
{
  self->reloaded_at = evg_store_get_change_serial (self->store);
  rebuild_groups (self);
  g_signal_emit (self, signals[INDEX_CHANGED], 0, NULL);
  if (before != evg_member_index_get_n_live (self->index))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MEMBERS]);
}

static gboolean
reload (EvgRoster  *self,
        GError    **error)
{
  guint before = evg_member_index_get_n_live (self->index);

  cache_clear (self);
  if (!evg_member_index_load (self->index, self->store, error))
    return FALSE;
  index_renewed (self, before);
  return TRUE;
}

static gboolean load_in_worker (EvgRoster *self,
                                gboolean   reloading);

/* reload(), in a worker when the roster was made for a program with a main
 * loop: 100,000 members take a tenth of a second to read, too long for the
 * window's thread (after a sync's pull, say).  The lists keep showing the index
 * they have, not a loading state, until the worker's takes its place. */
static void
reload_later (EvgRoster *self)
{
  g_autoptr(GError) error = NULL;

  if (self->background && load_in_worker (self, TRUE))
    return;
  if (!reload (self, &error))
    g_warning ("Could not reload the roster: %s", error->message);
}

/* Follows the commit of an import with the entries the import made, or by
 * reading everything again when they do not fit. */
static gboolean
add_imported (EvgRoster          *self,
              EvgIndexAdditions  *additions,
              GError            **error)
{
  g_autoptr(GError) local = NULL;
  guint before = evg_member_index_get_n_live (self->index);

  cache_clear (self);
  if (!evg_member_index_add (self->index, self->store, additions, &local))
    {
      if (local != NULL)
        g_warning ("Could not add the imported members to the roster: %s", local->message);
      return reload (self, error);
    }
  /* Tests check that the import took this way. */
  g_debug ("Added %u imported members to the index", evg_index_additions_get_n_rows (additions));
  index_renewed (self, before);
  return TRUE;
}

static void
on_store_changed (EvgRoster  *self,
                  const char *table,
                  GPtrArray  *ids,
                  EvgStore   *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) changed = NULL;
  guint before;

  /* An import that adds a party group changes both tables, and either
   * change reads everything again: once is enough. */
  if (self->reloaded_at == evg_store_get_change_serial (store))
    return;

  if (self->loading || (self->reloading && g_strcmp0 (table, "party_group") != 0))
    {
      /* The worker may have read the rows before this change; read them
       * again once it is done. */
      if (g_strcmp0 (table, "party_group") == 0 || g_strcmp0 (table, "member") == 0)
        self->changed_while_loading = TRUE;
      return;
    }

  /* An import's commit that would read everything again takes the
   * import's entries instead; a small one, whose changed ids come along,
   * goes the usual way below. */
  if (self->import_additions != NULL && g_strcmp0 (table, "member") == 0 && ids != NULL)
    self->import_additions = NULL;
  if (self->import_additions != NULL &&
      (g_strcmp0 (table, "party_group") == 0 || g_strcmp0 (table, "member") == 0))
    {
      /* Once: the other table of the same commit is covered. */
      EvgIndexAdditions *additions = g_steal_pointer (&self->import_additions);

      if (!add_imported (self, additions, &error))
        g_warning ("Could not reload the roster: %s", error->message);
      return;
    }

  if (g_strcmp0 (table, "party_group") == 0)
    {
      /* Group numbers in the index follow the group list, so a change of
       * groups (rare) reads everything again, at once: adding, renaming and
       * merging groups check names and counts against the new list.  A
       * worker still reading has read too early. */
      if (self->reloading)
        self->changed_while_loading = TRUE;
      if (!reload (self, &error))
        g_warning ("Could not reload the roster: %s", error->message);
      return;
    }
  if (g_strcmp0 (table, "member") != 0)
    return;

  before = evg_member_index_get_n_live (self->index);
  changed = g_array_new (FALSE, FALSE, sizeof (guint));
  if (ids == NULL || !evg_member_index_refresh (self->index, self->store, ids, changed, &error))
    {
      if (error != NULL)
        g_warning ("Could not update the roster: %s", error->message);
      reload_later (self);
      return;
    }

  for (guint i = 0; i < changed->len; i++)
    cache_forget (self, g_array_index (changed, guint, i));
  update_group_counts (self);
  g_signal_emit (self, signals[INDEX_CHANGED], 0, changed);
  if (before != evg_member_index_get_n_live (self->index))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MEMBERS]);
}

static void
evg_roster_dispose (GObject *object)
{
  EvgRoster *self = (EvgRoster *)object;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->cache != NULL)
    cache_clear (self);
  g_clear_object (&self->groups);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (evg_roster_parent_class)->dispose (object);
}

static void
evg_roster_finalize (GObject *object)
{
  EvgRoster *self = (EvgRoster *)object;

  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->index, evg_member_index_free);
  g_clear_pointer (&self->pick_needle, g_free);
  g_clear_pointer (&self->pick_found, g_array_unref);

  G_OBJECT_CLASS (evg_roster_parent_class)->finalize (object);
}

static void
evg_roster_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  EvgRoster *self = EVG_ROSTER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_N_MEMBERS:
      g_value_set_uint (value, evg_roster_get_n_members (self));
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_roster_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  EvgRoster *self = EVG_ROSTER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_roster_class_init (EvgRosterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = evg_roster_dispose;
  object_class->finalize = evg_roster_finalize;
  object_class->get_property = evg_roster_get_property;
  object_class->set_property = evg_roster_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, EVG_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * EvgRoster:n-members:
   *
   * How many member records there are, current and former (deleted entry
   * mistakes not counted).
   */
  properties[PROP_N_MEMBERS] =
    g_param_spec_uint ("n-members", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * EvgRoster:loading:
   *
   * Whether a worker is still reading the index: until then the roster
   * looks empty, and a window shows that it is loading rather than that
   * there are no members.
   */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * EvgRoster::index-changed:
   * @changed: (nullable) (element-type guint): the index entries that
   *   changed, or %NULL when the whole index was read again
   *
   * For EvgMemberList: emitted after the index followed a change of the
   * store.  Entry numbers are stable while the roster lives.
   */
  signals[INDEX_CHANGED] =
    g_signal_new ("index-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
evg_roster_init (EvgRoster *self)
{
  self->index = evg_member_index_new ();
  self->groups = g_list_store_new (EVG_TYPE_PARTY_GROUP);
  self->cache = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  g_queue_init (&self->cache_order);
}

static void
name_group (EvgRoster *self,
            EvgMember *member)
{
  int group = evg_member_index_find_group (self->index, evg_member_get (member, EVG_MEMBER_PARTY_GROUP_ID));

  evg_member_set_party_group_name (member, evg_member_index_get_group_name (self->index, (guint16) group));
}

/* What a worker reads for a roster: the index, and the members the window
 * shows first, so that the main thread does not read them one by one from
 * a cold cache between the index arriving and the first frame. */
typedef struct
{
  EvgMemberIndex *index;
  GArray         *entries;   /* guint */
  GPtrArray      *members;   /* EvgMember, one for each of entries */
} Loaded;

/* The rows a list sorted by name shows first: about what GTK 4.8's column
 * view makes at once (200), within the roster's cache. */
#define PREFETCH 224
G_STATIC_ASSERT (PREFETCH <= CACHE_SIZE);

static void
loaded_free (Loaded *loaded)
{
  g_clear_pointer (&loaded->index, evg_member_index_free);
  g_array_unref (loaded->entries);
  g_ptr_array_unref (loaded->members);
  g_free (loaded);
}

static void
prefetch_members (Loaded   *loaded,
                  EvgStore *worker)
{
  const GArray *order = evg_member_index_peek_name_order (loaded->index);

  for (guint i = 0; order != NULL && i < order->len && loaded->entries->len < PREFETCH; i++)
    {
      guint entry = g_array_index (order, guint, i);
      const EvgIndexEntry *e = evg_member_index_get_entry (loaded->index, entry);
      char rowid[16];
      EvgMember *member;

      /* Lists start on the current members. */
      if ((e->flags & EVG_INDEX_FORMER) != 0)
        continue;
      g_snprintf (rowid, sizeof rowid, "%u", e->rowid);
      member = evg_roster_read_member (worker, "rowid", rowid);
      if (member == NULL)
        continue;
      g_array_append_val (loaded->entries, entry);
      g_ptr_array_add (loaded->members, member);
    }
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) worker = evg_store_open_sibling (task_data, &error);
  Loaded *loaded;

  if (worker == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  loaded = g_new0 (Loaded, 1);
  loaded->index = evg_member_index_new ();
  loaded->entries = g_array_new (FALSE, FALSE, sizeof (guint));
  loaded->members = g_ptr_array_new_with_free_func (g_object_unref);
  if (!evg_member_index_load (loaded->index, worker, &error))
    {
      loaded_free (loaded);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The window's list starts sorted by name: sort here, not on the main
   * thread. */
  evg_member_index_prepare_name_order (loaded->index);
  prefetch_members (loaded, worker);
  g_task_return_pointer (task, loaded, (GDestroyNotify) loaded_free);
}

static void
cache_add (EvgRoster *self,
           guint      entry,
           EvgMember *member)
{
  if (g_queue_get_length (&self->cache_order) >= CACHE_SIZE)
    g_hash_table_remove (self->cache, g_queue_pop_head (&self->cache_order));
  g_hash_table_insert (self->cache, GUINT_TO_POINTER (entry), g_object_ref (member));
  g_queue_push_tail (&self->cache_order, GUINT_TO_POINTER (entry));
}

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  EvgRoster *self = EVG_ROSTER (object);
  g_autoptr(GError) error = NULL;
  Loaded *loaded = g_task_propagate_pointer (G_TASK (result), &error);
  gboolean reloading = self->reloading;
  guint before = evg_member_index_get_n_live (self->index);

  self->loading = FALSE;
  self->reloading = FALSE;
  if (self->store == NULL)
    {
      /* Disposed meanwhile: nobody is listening. */
      g_clear_pointer (&loaded, loaded_free);
      return;
    }
  if (loaded != NULL && !self->changed_while_loading)
    {
      cache_clear (self);
      evg_member_index_take (self->index, g_steal_pointer (&loaded->index));
      rebuild_groups (self);
      for (guint i = 0; i < loaded->entries->len; i++)
        {
          EvgMember *member = g_ptr_array_index (loaded->members, i);

          name_group (self, member);
          cache_add (self, g_array_index (loaded->entries, guint, i), member);
        }
      loaded_free (loaded);
      self->reloaded_at = evg_store_get_change_serial (self->store);
      g_signal_emit (self, signals[INDEX_CHANGED], 0, NULL);
      if (!reloading || before != evg_member_index_get_n_live (self->index))
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MEMBERS]);
    }
  else if (reloading && loaded != NULL)
    {
      /* Changed again while the worker read: read again, still there. */
      loaded_free (loaded);
      self->changed_while_loading = FALSE;
      reload_later (self);
      return;
    }
  else
    {
      /* The worker's copy may be out of date or missing: read it here. */
      if (loaded != NULL)
        loaded_free (loaded);
      else
        g_warning ("Could not read the roster in a worker: %s", error->message);
      g_clear_error (&error);
      if (!reload (self, &error))
        g_warning ("Could not read the roster: %s", error->message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MEMBERS]);
    }
  self->changed_while_loading = FALSE;
  if (!reloading)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Starts reading the index in a worker, for the first time or, when
 * @reloading, again; FALSE when the database cannot be read from another
 * connection (an in-memory one). */
static gboolean
load_in_worker (EvgRoster *self,
                gboolean   reloading)
{
  g_autoptr(GTask) task = NULL;
  const char *path = evg_store_get_path (self->store);

  if (path == NULL || *path == '\0' || g_str_equal (path, ":memory:"))
    return FALSE;

  if (reloading)
    self->reloading = TRUE;
  else
    self->loading = TRUE;
  task = g_task_new (self, NULL, load_done, NULL);
  g_task_set_source_tag (task, load_in_worker);
  g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, load_thread);
  return TRUE;
}

/**
 * evg_roster_new:
 * @store: the store the roster reads and writes
 *
 * Reads the index of every member (about a seventh of a second for 100,000
 * members), or starts a worker that does (see
 * evg_roster_set_background_load()); the records themselves are read only
 * when a list shows them.
 *
 * Returns: (transfer full): the roster, or %NULL when the store cannot be read
 */
EvgRoster *
evg_roster_new (EvgStore  *store,
                GError   **error)
{
  g_autoptr(EvgRoster) self = NULL;

  g_return_val_if_fail (EVG_IS_STORE (store), NULL);

  self = g_object_new (EVG_TYPE_ROSTER, "store", store, NULL);
  g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed), self,
                           G_CONNECT_SWAPPED);
  self->background = background_load;
  if (background_load && load_in_worker (self, FALSE))
    return g_steal_pointer (&self);
  if (!evg_member_index_load (self->index, store, error))
    return NULL;
  rebuild_groups (self);
  return g_steal_pointer (&self);
}

/**
 * evg_roster_set_background_load:
 * @background: whether rosters made from now on read their index in a worker
 *
 * For programs with a main loop (the app): evg_roster_new() then returns at
 * once with an empty, #EvgRoster:loading roster, and a worker reads the index
 * on its own connection while the window is built; the lists fill when it is
 * done.  Programs without a main loop (the command line, tests) keep the
 * default, which reads the index before evg_roster_new() returns.
 */
void
evg_roster_set_background_load (gboolean background)
{
  background_load = !!background;
}

gboolean
evg_roster_get_loading (EvgRoster *self)
{
  g_return_val_if_fail (EVG_IS_ROSTER (self), FALSE);
  return self->loading;
}

EvgStore *
evg_roster_get_store (EvgRoster *self)
{
  g_return_val_if_fail (EVG_IS_ROSTER (self), NULL);
  return self->store;
}

guint
evg_roster_get_n_members (EvgRoster *self)
{
  g_return_val_if_fail (EVG_IS_ROSTER (self), 0);
  return evg_member_index_get_n_live (self->index);
}

EvgMemberIndex *
evg_roster_get_index (EvgRoster *self)
{
  return self->index;
}

/**
 * evg_roster_set_import_additions:
 * @additions: (nullable) (transfer none): what an import that is about to
 *   announce its commit wrote, or %NULL once it did
 *
 * The next change of members or party groups the store announces is that
 * import's: the roster then appends the import's entries to its index
 * instead of reading every row again.
 */
void
evg_roster_set_import_additions (EvgRoster         *self,
                                 EvgIndexAdditions *additions)
{
  self->import_additions = additions;
}

/* The columns in EvgMemberField order, after the id. */
static const char *
member_select (void)
{
  static gsize sql = 0;

  if (g_once_init_enter (&sql))
    {
      GString *s = g_string_new ("SELECT id");

      for (guint i = 0; i < EVG_MEMBER_N_FIELDS; i++)
        {
          g_string_append_printf (s, ", %s", evg_member_field_get_info (i)->name);
        }
      g_string_append (s, " FROM member WHERE deleted = 0 AND ");
      g_once_init_leave (&sql, (gsize) g_string_free (s, FALSE));
    }
  return (const char *) sql;
}

static EvgMember *
member_from_row (sqlite3_stmt *stmt)
{
  EvgMember *member = evg_member_new ();

  evg_member_set_id (member, (const char *) sqlite3_column_text (stmt, 0));
  for (guint i = 0; i < EVG_MEMBER_N_FIELDS; i++)
    evg_member_set (member, i, (const char *) sqlite3_column_text (stmt, (int) i + 1));
  return member;
}

/**
 * evg_roster_read_member:
 * @where: `id`, `rowid` or `id_number`
 *
 * Reads one live member from @store, which may be a worker's connection.
 *
 * Returns: (transfer full) (nullable): the member
 */
EvgMember *
evg_roster_read_member (EvgStore   *store,
                        const char *where,
                        const char *value)
{
  g_autofree char *sql = g_strconcat (member_select (), where, " = ?", NULL);
  sqlite3_stmt *stmt = evg_store_prepare (store, sql, NULL);
  EvgMember *member = NULL;

  if (stmt == NULL)
    return NULL;
  if (g_str_equal (where, "rowid"))
    sqlite3_bind_int64 (stmt, 1, g_ascii_strtoll (value, NULL, 10));
  else
    sqlite3_bind_text (stmt, 1, value, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    member = member_from_row (stmt);
  sqlite3_reset (stmt);
  return member;
}

/* Materialises the member of an index entry, keeping the last few hundred. */
EvgMember *
evg_roster_get_entry_member (EvgRoster *self,
                             guint      entry)
{
  EvgMember *member = g_hash_table_lookup (self->cache, GUINT_TO_POINTER (entry));
  char rowid[32];

  if (member != NULL)
    return g_object_ref (member);

  g_snprintf (rowid, sizeof rowid, "%u",
              evg_member_index_get_entry (self->index, entry)->rowid);
  member = evg_roster_read_member (self->store, "rowid", rowid);
  if (member == NULL)
    {
      /* The row went away under us (a write from another connection not yet
       * announced): an empty member keeps the list's contract. */
      member = evg_member_new ();
    }
  name_group (self, member);
  cache_add (self, entry, member);
  return member;
}

/**
 * evg_roster_lookup:
 * @id: the member's record id
 *
 * Returns: (transfer full) (nullable): a fresh copy of the member, current
 *   or former, or %NULL when there is none (or it was deleted)
 */
EvgMember *
evg_roster_lookup (EvgRoster  *self,
                   const char *id)
{
  EvgMember *member;

  g_return_val_if_fail (EVG_IS_ROSTER (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  member = evg_roster_read_member (self->store, "id", id);
  if (member != NULL)
    name_group (self, member);
  return member;
}

/**
 * evg_roster_lookup_id_number:
 *
 * Returns: (transfer full) (nullable): the live member with @id_number
 *   (normalised first, so `11010519491231002x` finds `…002X`)
 */
EvgMember *
evg_roster_lookup_id_number (EvgRoster  *self,
                             const char *id_number)
{
  g_autofree char *normal = NULL;
  EvgMember *member;

  g_return_val_if_fail (EVG_IS_ROSTER (self), NULL);
  g_return_val_if_fail (id_number != NULL, NULL);

  normal = evg_id_number_normalize (id_number);
  member = evg_roster_read_member (self->store, "id_number", normal);
  if (member != NULL)
    name_group (self, member);
  return member;
}

/**
 * evg_roster_validate:
 * @member: a member being edited or imported
 *
 * All the rules of evg_member_validate(), plus those that need the store:
 * the ID number must not belong to another member, and the party group must
 * exist.  Editors call it as the user types to mark fields.
 *
 * Returns: (transfer container) (element-type EvgValidationIssue): the
 *   problems; empty when @member may be saved
 */
GPtrArray *
evg_roster_validate (EvgRoster *self,
                     EvgMember *member)
{
  GPtrArray *issues;
  const char *id_number, *group;
  GDate today;

  g_return_val_if_fail (EVG_IS_ROSTER (self), NULL);
  g_return_val_if_fail (EVG_IS_MEMBER (member), NULL);

  evg_date_set_today (&today);
  issues = evg_member_validate (member, &today);

  id_number = evg_member_get (member, EVG_MEMBER_ID_NUMBER);
  if (id_number != NULL)
    {
      sqlite3_stmt *stmt = evg_store_prepare (self->store,
                                              "SELECT name FROM member WHERE id_number = ? "
                                              "AND deleted = 0 AND id IS NOT ?", NULL);

      if (stmt != NULL)
        {
          sqlite3_bind_text (stmt, 1, id_number, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 2, evg_member_get_id (member), -1, SQLITE_STATIC);
          if (sqlite3_step (stmt) == SQLITE_ROW)
            {
              g_autofree char *message =
                g_strdup_printf (_("Another member, %s, already has this ID number."),
                                 (const char *) sqlite3_column_text (stmt, 0));

              g_ptr_array_add (issues, evg_validation_issue_new ("id_number", message));
            }
          sqlite3_reset (stmt);
        }
    }

  group = evg_member_get (member, EVG_MEMBER_PARTY_GROUP_ID);
  if (group != NULL && evg_member_index_find_group (self->index, group) == 0)
    g_ptr_array_add (issues, evg_validation_issue_new ("party_group",
                                                       _("The party group no longer exists; "
                                                         "choose another one.")));
  return issues;
}

/* Copies every field of @member into @fields, for an insert or an update
 * (which drops the values that did not change). */
void
evg_member_fill_field_set (EvgMember   *member,
                           EvgFieldSet *fields,
                           gboolean     skip_empty)
{
  for (guint i = 0; i < EVG_MEMBER_N_FIELDS; i++)
    {
      const char *value = evg_member_get (member, i);

      if (value != NULL || !skip_empty)
        evg_field_set_set_index (fields, i, value);
    }
}

static gboolean
set_invalid_error (GPtrArray  *issues,
                   GError    **error)
{
  EvgValidationIssue *first;
  int field;

  if (issues->len == 0)
    return TRUE;

  first = g_ptr_array_index (issues, 0);
  field = evg_member_field_from_name (first->field);
  g_set_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_INVALID, "%s: %s",
               field >= 0 ? _(evg_member_field_get_info (field)->label) : first->field,
               first->message);
  return FALSE;
}

/**
 * evg_roster_save:
 * @member: a new member (without id) or an edited copy of one
 *
 * Checks @member with evg_roster_validate() and writes it in one
 * transaction.  Nothing invalid is saved: the error then names the first
 * problem (%EVG_ROSTER_ERROR_INVALID).  A new member gets its id set.
 *
 * Returns: (transfer full): the member's id, or %NULL on error
 */
char *
evg_roster_save (EvgRoster  *self,
                 EvgMember  *member,
                 GError    **error)
{
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(EvgFieldSet) fields = NULL;
  g_autoptr(EvgTxn) txn = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (EVG_IS_ROSTER (self), NULL);
  g_return_val_if_fail (EVG_IS_MEMBER (member), NULL);

  issues = evg_roster_validate (self, member);
  if (!set_invalid_error (issues, error))
    return NULL;

  fields = evg_field_set_new_for ("member");
  evg_member_fill_field_set (member, fields, evg_member_get_id (member) == NULL);

  txn = evg_store_begin (self->store, error);
  if (txn == NULL)
    return NULL;

  if (evg_member_get_id (member) == NULL)
    {
      id = evg_txn_insert (txn, fields, NULL, error);
      if (id == NULL)
        return NULL;
    }
  else
    {
      id = g_strdup (evg_member_get_id (member));
      if (!evg_txn_update (txn, id, fields, error))
        return NULL;
    }

  if (!evg_txn_commit (txn, error))
    return NULL;

  evg_member_set_id (member, id);
  return g_steal_pointer (&id);
}

static gboolean
write_fields (EvgRoster    *self,
              const char   *id,
              EvgFieldSet  *fields,
              GError      **error)
{
  g_autoptr(EvgTxn) txn = evg_store_begin (self->store, error);

  return txn != NULL && evg_txn_update (txn, id, fields, error) && evg_txn_commit (txn, error);
}

/**
 * evg_roster_delete:
 *
 * Deletes an entry made by mistake.  Members who leave the branch are not
 * deleted but recorded with evg_roster_record_departure().  The record stays
 * as a tombstone, so evg_roster_restore() can undo this.
 */
gboolean
evg_roster_delete (EvgRoster   *self,
                   const char  *id,
                   GError     **error)
{
  g_autoptr(EvgTxn) txn = NULL;

  g_return_val_if_fail (EVG_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  txn = evg_store_begin (self->store, error);
  return txn != NULL && evg_txn_delete (txn, "member", id, error) && evg_txn_commit (txn, error);
}

/**
 * evg_roster_restore:
 *
 * Undoes evg_roster_delete(): the member comes back with the same id and
 * values, through the outbox like any other change.  Fails with
 * %EVG_ROSTER_ERROR_DUPLICATE when another member took the ID number
 * meanwhile.
 */
gboolean
evg_roster_restore (EvgRoster   *self,
                    const char  *id,
                    GError     **error)
{
  g_autoptr(EvgFieldSet) none = NULL;
  g_autoptr(EvgTxn) txn = NULL;
  sqlite3_stmt *stmt;
  gboolean taken = FALSE;

  g_return_val_if_fail (EVG_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  stmt = evg_store_prepare (self->store,
                            "SELECT 1 FROM member AS dead JOIN member AS live "
                            "ON live.id_number = dead.id_number AND live.deleted = 0 "
                            "WHERE dead.id = ? AND live.id != dead.id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  taken = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  if (taken)
    {
      g_set_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_DUPLICATE,
                   _("The member cannot be brought back: another member now has the same ID number."));
      return FALSE;
    }

  none = evg_field_set_new_for ("member");
  txn = evg_store_begin (self->store, error);
  return txn != NULL && evg_txn_restore (txn, id, none, error) && evg_txn_commit (txn, error);
}

/**
 * evg_roster_record_departure:
 * @reason: `transferred` (转出), `died` (去世), `expelled` (出党),
 *   `withdrew` (退党) or `removed` (除名); the Chinese words are taken too
 * @date: the day the member left, in any form evg_parse_date() reads
 *
 * Moves a member to the former members, keeping the record.
 */
gboolean
evg_roster_record_departure (EvgRoster   *self,
                             const char  *id,
                             const char  *reason,
                             const char  *date,
                             GError     **error)
{
  g_autoptr(EvgMember) member = NULL;
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(EvgFieldSet) fields = NULL;
  GDate today;

  g_return_val_if_fail (EVG_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  member = evg_roster_lookup (self, id);
  if (member == NULL)
    {
      g_set_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_NOT_FOUND,
                   _("The record no longer exists; it may have been deleted meanwhile."));
      return FALSE;
    }

  if (reason == NULL || *reason == '\0')
    {
      g_set_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_INVALID,
                   _("Give the way the member left the branch."));
      return FALSE;
    }
  evg_member_set_text (member, EVG_MEMBER_LEFT_REASON, reason);
  evg_member_set_text (member, EVG_MEMBER_LEFT_ON, date);

  /* Only the departure's own rules: an old record with a gap elsewhere must
   * still be able to leave. */
  evg_date_set_today (&today);
  issues = evg_member_validate (member, &today);
  for (guint i = 0; i < issues->len; )
    {
      EvgValidationIssue *issue = g_ptr_array_index (issues, i);

      if (g_str_equal (issue->field, "left_reason") || g_str_equal (issue->field, "left_on"))
        i++;
      else
        g_ptr_array_remove_index (issues, i);
    }
  if (!set_invalid_error (issues, error))
    return FALSE;

  fields = evg_field_set_new_for ("member");
  evg_field_set_set (fields, "left_reason", evg_member_get (member, EVG_MEMBER_LEFT_REASON));
  evg_field_set_set (fields, "left_on", evg_member_get (member, EVG_MEMBER_LEFT_ON));
  return write_fields (self, id, fields, error);
}

/**
 * evg_roster_cancel_departure:
 *
 * Brings a former member back to the current members, for a departure
 * recorded by mistake.
 */
gboolean
evg_roster_cancel_departure (EvgRoster   *self,
                             const char  *id,
                             GError     **error)
{
  g_autoptr(EvgFieldSet) fields = NULL;

  g_return_val_if_fail (EVG_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  fields = evg_field_set_new_for ("member");
  evg_field_set_set (fields, "left_reason", NULL);
  evg_field_set_set (fields, "left_on", NULL);
  return write_fields (self, id, fields, error);
}

/**
 * evg_roster_get_party_groups:
 *
 * Returns: (transfer none): the live party groups (EvgPartyGroup) in
 *   display order, with their member counts kept current
 */
GListModel *
evg_roster_get_party_groups (EvgRoster *self)
{
  g_return_val_if_fail (EVG_IS_ROSTER (self), NULL);
  return G_LIST_MODEL (self->groups);
}

/**
 * evg_roster_find_party_group:
 *
 * Returns: (nullable): the id of the live group called @name
 */
const char *
evg_roster_find_party_group (EvgRoster  *self,
                             const char *name)
{
  guint n;

  g_return_val_if_fail (EVG_IS_ROSTER (self), NULL);

  if (name == NULL)
    return NULL;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->groups));
  for (guint i = 0; i < n; i++)
    {
      EvgPartyGroup *group = g_list_model_get_item (G_LIST_MODEL (self->groups), i);
      const char *id = evg_party_group_get_id (group);
      gboolean match = g_str_equal (evg_party_group_get_name (group), name);

      /* The store keeps the group alive while the list holds it. */
      g_object_unref (group);
      if (match)
        return id;
    }
  return NULL;
}

static char *
check_group_name (EvgRoster   *self,
                  const char  *name,
                  const char  *except_id,
                  GError     **error)
{
  g_autofree char *clean = g_strstrip (g_strdup (name != NULL ? name : ""));
  const char *existing;

  if (*clean == '\0')
    {
      g_set_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_INVALID,
                   _("Give the party group a name."));
      return NULL;
    }
  if (g_utf8_strlen (clean, -1) > 50)
    {
      g_set_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_INVALID,
                   _("The name is too long."));
      return NULL;
    }
  existing = evg_roster_find_party_group (self, clean);
  if (existing != NULL && g_strcmp0 (existing, except_id) != 0)
    {
      g_set_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_DUPLICATE,
                   _("There is already a party group called “%s”."), clean);
      return NULL;
    }
  return g_steal_pointer (&clean);
}

/**
 * evg_roster_add_party_group:
 *
 * Returns: (transfer full): the new group's id, or %NULL on error
 */
char *
evg_roster_add_party_group (EvgRoster   *self,
                            const char  *name,
                            GError     **error)
{
  g_autofree char *clean = NULL;
  g_autoptr(EvgFieldSet) fields = NULL;
  g_autoptr(EvgTxn) txn = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (EVG_IS_ROSTER (self), NULL);

  clean = check_group_name (self, name, NULL, error);
  if (clean == NULL)
    return NULL;

  fields = evg_field_set_new_for ("party_group");
  evg_field_set_set (fields, "name", clean);
  evg_field_set_set_int (fields, "sort_order",
                         g_list_model_get_n_items (G_LIST_MODEL (self->groups)));
  txn = evg_store_begin (self->store, error);
  if (txn == NULL || (id = evg_txn_insert (txn, fields, NULL, error)) == NULL ||
      !evg_txn_commit (txn, error))
    return NULL;
  return g_steal_pointer (&id);
}

gboolean
evg_roster_rename_party_group (EvgRoster   *self,
                               const char  *id,
                               const char  *name,
                               GError     **error)
{
  g_autofree char *clean = NULL;
  g_autoptr(EvgFieldSet) fields = NULL;
  g_autoptr(EvgTxn) txn = NULL;

  g_return_val_if_fail (EVG_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  clean = check_group_name (self, name, id, error);
  if (clean == NULL)
    return FALSE;

  fields = evg_field_set_new_for ("party_group");
  evg_field_set_set (fields, "name", clean);
  txn = evg_store_begin (self->store, error);
  return txn != NULL && evg_txn_update (txn, id, fields, error) && evg_txn_commit (txn, error);
}

/* Every live member of @group_id, current and former. */
static GPtrArray *
group_member_ids (EvgRoster   *self,
                  const char  *group_id,
                  gboolean     current_only,
                  GError     **error)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;

  stmt = evg_store_prepare (self->store,
                            current_only
                            ? "SELECT id FROM member WHERE party_group_id = ? AND deleted = 0 "
                              "AND left_reason IS NULL"
                            : "SELECT id FROM member WHERE party_group_id = ? AND deleted = 0",
                            error);
  if (stmt == NULL)
    {
      g_ptr_array_unref (ids);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, group_id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  return ids;
}

/**
 * evg_roster_merge_party_groups:
 *
 * Moves every member of @from_id (former members too) into @into_id and
 * deletes @from_id, in one transaction.
 */
gboolean
evg_roster_merge_party_groups (EvgRoster   *self,
                               const char  *from_id,
                               const char  *into_id,
                               GError     **error)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(EvgFieldSet) fields = NULL;
  g_autoptr(EvgTxn) txn = NULL;

  g_return_val_if_fail (EVG_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (from_id != NULL && into_id != NULL, FALSE);

  if (g_str_equal (from_id, into_id) ||
      evg_member_index_find_group (self->index, from_id) == 0 ||
      evg_member_index_find_group (self->index, into_id) == 0)
    {
      g_set_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_INVALID,
                   _("Choose two different party groups to merge."));
      return FALSE;
    }

  ids = group_member_ids (self, from_id, FALSE, error);
  if (ids == NULL)
    return FALSE;

  fields = evg_field_set_new_for ("member");
  txn = evg_store_begin (self->store, error);
  if (txn == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      evg_field_set_set (fields, "party_group_id", into_id);
      if (!evg_txn_update (txn, g_ptr_array_index (ids, i), fields, error))
        return FALSE;
    }
  return evg_txn_delete (txn, "party_group", from_id, error) && evg_txn_commit (txn, error);
}

/**
 * evg_roster_delete_party_group:
 *
 * Deletes a group that has no current members (%EVG_ROSTER_ERROR_NOT_EMPTY
 * otherwise; merge it into another instead).  Former members keep their
 * record and simply show no group.
 */
gboolean
evg_roster_delete_party_group (EvgRoster   *self,
                               const char  *id,
                               GError     **error)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(EvgTxn) txn = NULL;

  g_return_val_if_fail (EVG_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  ids = group_member_ids (self, id, TRUE, error);
  if (ids == NULL)
    return FALSE;
  if (ids->len > 0)
    {
      g_set_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_NOT_EMPTY,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The party group still has %u member; move them to another "
                                "group or merge the groups first.",
                                "The party group still has %u members; move them to another "
                                "group or merge the groups first.", ids->len),
                   ids->len);
      return FALSE;
    }

  txn = evg_store_begin (self->store, error);
  return txn != NULL && evg_txn_delete (txn, "party_group", id, error) && evg_txn_commit (txn, error);
}

static int
compare_entry_names (gconstpointer a,
                     gconstpointer b,
                     gpointer      index)
{
  return evg_member_index_compare_names (index, *(const guint *) a, *(const guint *) b);
}

/**
 * evg_roster_search:
 * @text: what the user typed: a name, its pinyin or initials, digits of a
 *   phone or ID number, as the roster's search takes them
 * @limit: the most members to return
 * @n_matches: (out) (optional): how many current members match in all
 *
 * Finds current members (not former ones) for a quick pick, such as the
 * kiosk's: by name when a few match, in roster order when many do.  A
 * single letter picks nobody yet.
 *
 * Returns: (transfer full) (element-type EvgMember): at most @limit members
 */
GPtrArray *
evg_roster_search (EvgRoster  *self,
                   const char *text,
                   guint       limit,
                   guint      *n_matches)
{
  g_autofree char *needle = NULL;
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (guint));
  GPtrArray *members = g_ptr_array_new_with_free_func (g_object_unref);
  guint64 serial = evg_store_get_change_serial (self->store);
  guint n_entries;

  g_return_val_if_fail (EVG_IS_ROSTER (self), members);

  needle = evg_member_index_normalize_query (text != NULL ? text : "");
  n_entries = evg_member_index_get_n_entries (self->index);
  if (n_matches != NULL)
    *n_matches = 0;
  /* One letter matches a good part of a large branch: a quick pick waits
   * for the second (a character, or digits, are enough alone). */
  if (*needle == '\0' || n_entries == 0 || (g_ascii_isalpha (needle[0]) && needle[1] == '\0'))
    return members;

  if (self->pick_found != NULL && serial == self->pick_serial && n_entries == self->pick_entries &&
      g_str_has_prefix (needle, self->pick_needle))
    {
      /* A longer query matches only what the shorter one did. */
      for (guint i = 0; i < self->pick_found->len; i++)
        {
          guint entry = g_array_index (self->pick_found, guint, i);

          if (evg_member_index_match (self->index, entry, needle))
            g_array_append_val (found, entry);
        }
    }
  else
    {
      g_autofree guint8 *marks = g_malloc (n_entries);

      evg_member_index_match_all (self->index, needle, marks);
      for (guint i = 0; i < n_entries; i++)
        if (marks[i] && (evg_member_index_get_entry (self->index, i)->flags & EVG_INDEX_FORMER) == 0)
          g_array_append_val (found, i);
    }
  if (n_matches != NULL)
    *n_matches = found->len;
  /* Sorting a few hundred names is quick; more are narrowed by typing. */
  if (found->len <= 500)
    g_array_sort_with_data (found, compare_entry_names, self->index);
  for (guint i = 0; i < found->len && i < limit; i++)
    g_ptr_array_add (members, evg_roster_get_entry_member (self, g_array_index (found, guint, i)));

  g_free (self->pick_needle);
  self->pick_needle = g_steal_pointer (&needle);
  g_clear_pointer (&self->pick_found, g_array_unref);
  self->pick_found = g_steal_pointer (&found);
  self->pick_serial = serial;
  self->pick_entries = n_entries;
  return members;
}
