/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "evg-field-set.h"
#include "evg-store-private.h"
#include "evg-txn.h"

/* Writes records through the one write path (EvgTxn), for the sync tests
 * and benchmarks, which need edits on several replicas:
 *
 *   evg-sync-tool DB insert TABLE ID col=value…    (ID "-" makes one)
 *   evg-sync-tool DB update TABLE ID col=value…
 *   evg-sync-tool DB delete TABLE ID
 *   evg-sync-tool DB bulk TABLE N [PREFIX]         (N rows in one transaction)
 *   evg-sync-tool DB random N SEED                 (N random edits of party_group)
 */

static gboolean
fill (EvgFieldSet  *set,
      int           argc,
      char        **argv)
{
  for (int i = 0; i < argc; i++)
    {
      g_auto(GStrv) kv = g_strsplit (argv[i], "=", 2);

      if (kv[0] == NULL || kv[1] == NULL)
        return FALSE;
      if (!evg_field_set_set (set, kv[0], g_str_equal (kv[1], "\\N") ? NULL : kv[1]))
        return FALSE;
    }
  return TRUE;
}

/* The live party groups of this replica, whoever made them. */
static GPtrArray *
live_ids (EvgStore *store)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  sqlite3_prepare_v2 (evg_store_get_db (store),
                      "SELECT id FROM party_group WHERE deleted = 0 ORDER BY id", -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  return ids;
}

static int
random_edits (EvgStore *store,
              int       n,
              guint32   seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GPtrArray) ids = live_ids (store);

  for (int i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(EvgTxn) txn = evg_store_begin (store, &error);
      g_autoptr(EvgFieldSet) set = evg_field_set_new_for ("party_group");
      int op = ids->len == 0 ? 0 : g_rand_int_range (rand, 0, 10);
      gboolean ok = TRUE;

      if (txn == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      if (op < 4)
        {
          g_autofree char *name = g_strdup_printf ("group-%u", g_rand_int (rand));
          char *id;

          evg_field_set_set (set, "name", name);
          evg_field_set_set_int (set, "sort_order", g_rand_int_range (rand, 0, 100));
          id = evg_txn_insert (txn, set, NULL, &error);
          ok = id != NULL;
          if (ok)
            g_ptr_array_add (ids, id);
        }
      else
        {
          guint k = (guint) g_rand_int_range (rand, 0, (gint32) ids->len);
          const char *id = g_ptr_array_index (ids, k);

          if (op < 9)
            {
              g_autofree char *name = g_strdup_printf ("edit-%u", g_rand_int (rand));

              if (g_rand_boolean (rand))
                evg_field_set_set (set, "name", name);
              else
                evg_field_set_set_int (set, "sort_order", g_rand_int_range (rand, 0, 100));
              ok = evg_txn_update (txn, id, set, &error);
            }
          else
            ok = evg_txn_delete (txn, "party_group", id, &error);
          /* A row deleted here or elsewhere is no longer editable: fine. */
          if (!ok && g_error_matches (error, EVG_STORE_ERROR, EVG_STORE_ERROR_NOT_FOUND))
            {
              ok = TRUE;
              g_ptr_array_remove_index (ids, k);
            }
        }
      if (!ok || !evg_txn_commit (txn, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }

  return 0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = NULL;
  g_autoptr(EvgTxn) txn = NULL;
  const char *cmd;

  if (argc < 3)
    {
      g_printerr ("usage: evg-sync-tool DB insert|update|delete|bulk|random …\n");
      return 2;
    }
  store = evg_store_open (argv[1], &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  cmd = argv[2];

  if (g_str_equal (cmd, "random") && argc == 5)
    return random_edits (store, atoi (argv[3]), (guint32) g_ascii_strtoull (argv[4], NULL, 10));

  txn = evg_store_begin (store, &error);
  if (txn == NULL)
    goto fail;

  if (g_str_equal (cmd, "insert") && argc >= 5)
    {
      g_autoptr(EvgFieldSet) set = evg_field_set_new_for (argv[3]);
      g_autofree char *id = NULL;

      if (!fill (set, argc - 5, argv + 5))
        return 2;
      id = evg_txn_insert (txn, set, g_str_equal (argv[4], "-") ? NULL : argv[4], &error);
      if (id == NULL)
        goto fail;
      g_print ("%s\n", id);
    }
  else if (g_str_equal (cmd, "update") && argc >= 5)
    {
      g_autoptr(EvgFieldSet) set = evg_field_set_new_for (argv[3]);

      if (!fill (set, argc - 5, argv + 5) || !evg_txn_update (txn, argv[4], set, &error))
        goto fail;
    }
  else if (g_str_equal (cmd, "delete") && argc == 5)
    {
      if (!evg_txn_delete (txn, argv[3], argv[4], &error))
        goto fail;
    }
  else if (g_str_equal (cmd, "bulk") && argc >= 5)
    {
      int n = atoi (argv[4]);
      const char *prefix = argc > 5 ? argv[5] : "bulk";
      g_autoptr(EvgFieldSet) set = evg_field_set_new_for (argv[3]);

      for (int i = 0; i < n; i++)
        {
          g_autofree char *name = g_strdup_printf ("%s-%d", prefix, i);
          g_autofree char *id = NULL;

          evg_field_set_clear (set);
          evg_field_set_set (set, "name", name);
          if (g_str_equal (argv[3], "member"))
            {
              /* As full as a member a branch keeps, and the same fields as
               * the documents of the PouchDB comparison (bench/pouchdb). */
              int year = 1945 + i % 60;
              gboolean probationary = i % 20 == 0;
              g_autofree char *birth = g_strdup_printf ("%d-%02d-%02d", year, 1 + i % 12, 1 + i % 28);
              g_autofree char *id_number = g_strdup_printf ("1101%014d", i);
              g_autofree char *joined = g_strdup_printf ("%d-07-01", year + 20);
              g_autofree char *full = g_strdup_printf ("%d-07-01", year + 21);
              g_autofree char *phone = g_strdup_printf ("138%08d", i);
              g_autofree char *address = g_strdup_printf ("北京市东城区某某街道某某社区 %d 号",
                                                          1 + i % 500);

              evg_field_set_set (set, "gender", i % 2 ? "male" : "female");
              evg_field_set_set (set, "ethnicity", i % 10 ? "汉族" : "回族");
              evg_field_set_set (set, "id_number", id_number);
              evg_field_set_set (set, "birth_date", birth);
              evg_field_set_set (set, "education", i % 3 ? "bachelor" : "college");
              evg_field_set_set (set, "category", probationary ? "probationary" : "full");
              evg_field_set_set (set, "joined_on", joined);
              evg_field_set_set (set, "full_member_on", probationary ? NULL : full);
              evg_field_set_set (set, "occupation", "职员");
              evg_field_set_set (set, "phone", phone);
              evg_field_set_set (set, "address", address);
              evg_field_set_set (set, "standing", "normal");
              evg_field_set_set_int (set, "lost_contact", 0);
              evg_field_set_set_int (set, "mobile_member", 0);
            }
          else
            evg_field_set_set_int (set, "sort_order", i);
          id = evg_txn_insert (txn, set, NULL, &error);
          if (id == NULL)
            goto fail;
        }
    }
  else
    {
      g_printerr ("usage: evg-sync-tool DB insert|update|delete|bulk|random …\n");
      return 2;
    }

  if (!evg_txn_commit (txn, &error))
    goto fail;
  return 0;

fail:
  g_printerr ("%s\n", error != NULL ? error->message : "failed");
  return 1;
}
