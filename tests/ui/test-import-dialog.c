/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "evg-context.h"
#include "evg-import-dialog.h"
#include "../evg-test-util.h"

/* The import dialog's preview and messages: what a branch secretary reads
 * before anything is written. */

typedef struct
{
  char            *dir;
  EvgContext      *context;
  EvgImportDialog *dialog;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = NULL;
  g_autofree char *path = NULL;

  f->dir = evg_test_make_dir ();
  path = g_build_filename (f->dir, "import.db", NULL);
  store = evg_store_open (path, &error);
  g_assert_no_error (error);
  f->context = evg_context_new (store, &error);
  g_assert_no_error (error);
  f->dialog = evg_import_dialog_new (evg_context_get_roster (f->context));
}

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->dialog));
  spin ();
  evg_test_wait_for_workers (evg_context_get_roster (f->context));
  g_assert_finalize_object (f->context);
  evg_test_remove_dir (f->dir);
  g_free (f->dir);
}

static GObject *
child (Fixture    *f,
       const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (f->dialog), EVG_TYPE_IMPORT_DIALOG, name);
}

/* Opens @csv in the dialog and waits until it shows the page @page. */
static void
open_csv (Fixture    *f,
          const char *csv,
          gssize      len,
          const char *page)
{
  g_autofree char *path = g_build_filename (f->dir, "roster.csv", NULL);
  g_autoptr(GError) error = NULL;
  GtkStack *stack = GTK_STACK (child (f, "stack"));
  gint64 until = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  g_file_set_contents (path, csv, len, &error);
  g_assert_no_error (error);
  evg_import_dialog_open_path (f->dialog, path);
  while (g_strcmp0 (gtk_stack_get_visible_child_name (stack), page) != 0 &&
         g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, page);
}

#define HEADER "姓名,公民身份证号,人员类别,加入党组织日期,转为正式党员日期,家庭住址\n"

/* A quote closed by a later one: the row that swallowed the rows between
 * is listed, and the summary accounts for every line of the file. */
static void
test_preview_counts_lines (Fixture       *f,
                           gconstpointer  data)
{
  const char *csv = HEADER
                    "张三,110105198001010016,正式党员,2005-07-01,2006-07-01,\"东城区\n"
                    "李四,110105198001010024,正式党员,2005-07-01,2006-07-01,西城区\n"
                    "王五,11010519491231002X,正式党员,1970-07-01,1971-07-01,\"朝阳区\"\n"
                    "\n"
                    ",,,,,\n"
                    "赵六,110105198101010013,正式党员,2005-07-01,2006-07-01,海淀区\n";
  const char *summary;
  GtkWidget *rows;

  open_csv (f, csv, -1, "preview");
  summary = gtk_label_get_label (GTK_LABEL (child (f, "summary_label")));
  g_assert_nonnull (strstr (summary, "1 new member will be added."));
  g_assert_nonnull (strstr (summary, "The file has 7 lines: 1 in the header, 1 in rows to import, "
                                     "3 in rows with problems, 2 blank."));
  rows = GTK_WIDGET (child (f, "rejected_list"));
  g_assert_nonnull (gtk_widget_get_first_child (rows));
  g_assert_null (gtk_widget_get_next_sibling (gtk_widget_get_first_child (rows)));
}

/* The rows with problems are saved as they were, with what is wrong, in
 * a file of their own; a folder that is not there is said plainly. */
static void
test_save_rejected (Fixture       *f,
                    gconstpointer  data)
{
  const char *csv = HEADER
                    "张三,110105198001010016,正式党员,2005-07-01,2006-07-01,东城区\n"
                    "李四,110105198001010025,正式党员,2005-07-01,2006-07-01,西城区\n";
  g_autofree char *path = g_build_filename (f->dir, "rows to fix.csv", NULL);
  g_autofree char *bad = g_build_filename (f->dir, "no", "such", "rows.csv", NULL);
  g_autofree char *text = NULL;
  GtkLabel *saved = GTK_LABEL (child (f, "saved_label"));

  open_csv (f, csv, -1, "preview");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (child (f, "save_rejected_button"))));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (saved)));
  g_assert_true (evg_import_dialog_save_rejected (f->dialog, path));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (saved)));
  g_assert_nonnull (strstr (gtk_label_get_label (saved), path));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "李四"));
  g_assert_null (strstr (text, "张三"));
  g_assert_nonnull (strstr (text, "110105198001010025"));

  g_assert_false (evg_import_dialog_save_rejected (f->dialog, bad));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (saved), "error"));
  g_assert_nonnull (strstr (gtk_label_get_label (saved), "could not be saved"));
}

/* A quote still open at the end: nothing to preview, and the message
 * names the line to fix. */
static void
test_unterminated_quote (Fixture       *f,
                         gconstpointer  data)
{
  const char *csv = HEADER
                    "张三,110105198001010016,正式党员,2005-07-01,2006-07-01,东城区\n"
                    "李四,110105198001010024,正式党员,2005-07-01,2006-07-01,\"西城区\n"
                    "王五,11010519491231002X,正式党员,1970-07-01,1971-07-01,朝阳区\n";
  AdwStatusPage *page;

  open_csv (f, csv, -1, "message");
  page = ADW_STATUS_PAGE (child (f, "message_page"));
  g_assert_nonnull (strstr (adw_status_page_get_description (page), "line 3 is never closed"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (child (f, "import_button"))));
}

/* The size limit is the user's setting, named in the refusal. */
static void
test_size_limit_setting (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GString) csv = g_string_new (HEADER);
  AdwStatusPage *page;

  g_string_set_size (csv, 1500 * 1000);
  memset (csv->str + strlen (HEADER), '\n', csv->len - strlen (HEADER));
  g_settings_set_uint (settings, "import-size-limit", 1);
  open_csv (f, csv->str, (gssize) csv->len, "message");
  g_settings_reset (settings, "import-size-limit");
  page = ADW_STATUS_PAGE (child (f, "message_page"));
  g_assert_nonnull (strstr (adw_status_page_get_description (page), "limit of 1.0"));
}

int
main (int    argc,
      char **argv)
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display to test widgets on\n");
      return 0;
    }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/evg/ui/import-dialog/save-rejected", test_save_rejected);
  ADD ("/evg/ui/import-dialog/preview-counts-lines", test_preview_counts_lines);
  ADD ("/evg/ui/import-dialog/unterminated-quote", test_unterminated_quote);
  ADD ("/evg/ui/import-dialog/size-limit-setting", test_size_limit_setting);
#undef ADD

  return g_test_run ();
}
