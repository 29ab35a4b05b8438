/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "evg-context.h"
#include "evg-inbox-page.h"
#include "evg-member-picker.h"
#include "evg-message-editor.h"
#include "evg-rates-chart.h"
#include "../evg-test-util.h"
#include "evg-test-mnemonics.h"

/* The message board over a real store: the list narrows by state, by
 * "overdue" and by words or pinyin, an overdue message is marked and
 * counted, a reply shows in the timeline apart from a note, a refused
 * reply says why and keeps its text, a duplicate is suggested and merged,
 * a member is assigned by name, the editor refuses what is missing, and
 * the rates view shows the month's figures and twelve months of chart. */

typedef struct
{
  char       *dir;
  EvgStore   *store;
  EvgContext *context;
  char       *late;      /* received three days ago: its response is overdue */
  char       *rubbish;   /* received now, with a phone number */
  char       *lamp;      /* the late one said again */
} Fixture;

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static char *
dup_time (int days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, days);

  return g_date_time_format (then, "%Y-%m-%d %H:%M");
}

static char *
add_message (Fixture    *f,
             const char *received_at,
             const char *name,
             const char *contact,
             const char *category,
             const char *place,
             const char *content)
{
  g_autoptr(EvgRecord) message = evg_record_new (&evg_feedback_table, NULL);
  g_autoptr(GError) error = NULL;
  char *id;

  evg_record_set (message, EVG_FEEDBACK_RECEIVED_AT, received_at);
  evg_record_set (message, EVG_FEEDBACK_CHANNEL, "phone");
  evg_record_set (message, EVG_FEEDBACK_FROM_NAME, name);
  evg_record_set (message, EVG_FEEDBACK_CONTACT, contact);
  evg_record_set (message, EVG_FEEDBACK_CATEGORY, category);
  evg_record_set (message, EVG_FEEDBACK_PLACE, place);
  evg_record_set (message, EVG_FEEDBACK_CONTENT, content);
  id = evg_inbox_add (evg_context_get_inbox (f->context), message, &error);
  g_assert_no_error (error);
  return id;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = dup_time (-3);
  g_autofree char *now = dup_time (0);

  f->dir = evg_test_make_dir ();
  f->store = evg_test_open_store (f->dir, "i.db");
  g_free (EVG_TEST_ROW (f->store, &evg_member_table, "name", "张三", "id_number", "110105198001010016"));
  f->context = evg_context_new (f->store, &error);
  g_assert_no_error (error);
  f->late = add_message (f, before, "王五", NULL, "facilities", "幸福里3号楼", "楼道灯坏了很久，晚上看不见路");
  f->rubbish = add_message (f, now, "赵六", "13812345678", "sanitation", "幸福里东门", "小区门口的垃圾没人清理");
  f->lamp = add_message (f, now, "钱七", NULL, "facilities", "幸福里3号楼", "楼道灯坏了，晚上看不见");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->context);
  g_clear_object (&f->store);
  evg_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->late);
  g_free (f->rubbish);
  g_free (f->lamp);
}

static EvgInboxPage *
show_page (GtkWidget **window,
           Fixture    *f)
{
  EvgInboxPage *page = g_object_new (EVG_TYPE_INBOX_PAGE, NULL);
  GtkWidget *overlay = adw_toast_overlay_new ();

  *window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (*window), 1200, 800);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (page));
  gtk_window_set_child (GTK_WINDOW (*window), overlay);
  evg_inbox_page_set_context (page, f->context);
  gtk_window_present (GTK_WINDOW (*window));
  spin ();
  return page;
}

static void
search (EvgInboxPage *page,
        const char   *text)
{
  gtk_editable_set_text (GTK_EDITABLE (evg_inbox_page_get_search_entry (page)), text);
  spin ();
}

static void
test_list_narrows (Fixture       *f,
                   gconstpointer  data)
{
  GtkWidget *window;
  EvgInboxPage *page = show_page (&window, f);
  g_autofree char *id = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *all = NULL;
  g_autofree char *fresh = NULL;

  g_assert_cmpstr (evg_inbox_page_get_list_state (page), ==, "list");
  g_assert_cmpuint (evg_inbox_page_get_n_shown (page), ==, 3);
  all = evg_inbox_page_dup_status_label (page, NULL);
  g_assert_cmpstr (all, ==, "All States (3)");

  /* Answered through the service, as another window or a sync would: the
   * list and the counts follow. */
  id = evg_inbox_record (evg_context_get_inbox (f->context), f->rubbish, "reply", "已通知物业今天清理", &error);
  g_assert_no_error (error);
  spin ();
  fresh = evg_inbox_page_dup_status_label (page, "new");
  g_assert_cmpstr (fresh, ==, "New (2)");
  evg_inbox_page_set_status (page, "new");
  spin ();
  g_assert_cmpuint (evg_inbox_page_get_n_shown (page), ==, 2);
  evg_inbox_page_set_status (page, "replied");
  spin ();
  g_assert_cmpuint (evg_inbox_page_get_n_shown (page), ==, 1);
  evg_inbox_page_set_status (page, NULL);
  spin ();

  /* Words, the name's pinyin, and nothing. */
  search (page, "垃圾");
  g_assert_cmpuint (evg_inbox_page_get_n_shown (page), ==, 1);
  search (page, "wangwu");
  g_assert_cmpuint (evg_inbox_page_get_n_shown (page), ==, 1);
  search (page, "楼道灯");
  g_assert_cmpuint (evg_inbox_page_get_n_shown (page), ==, 2);
  search (page, "没有这样的留言");
  g_assert_cmpuint (evg_inbox_page_get_n_shown (page), ==, 0);
  g_assert_cmpstr (evg_inbox_page_get_list_state (page), ==, "no-match");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "inbox.show-all", NULL));
  spin ();
  g_assert_cmpuint (evg_inbox_page_get_n_shown (page), ==, 3);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (evg_inbox_page_get_search_entry (page))), ==, "");

  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
}

static void
test_overdue (Fixture       *f,
              gconstpointer  data)
{
  GtkWidget *window;
  EvgInboxPage *page = show_page (&window, f);

  /* Three days without a response: marked in the list and counted. */
  g_assert_cmpstr (evg_inbox_page_get_overdue_text (page), ==, "Overdue (1)");
  g_assert_true (evg_inbox_page_is_marked_overdue (page, f->late));
  g_assert_false (evg_inbox_page_is_marked_overdue (page, f->rubbish));
  gtk_toggle_button_set_active (evg_inbox_page_get_overdue_button (page), TRUE);
  spin ();
  g_assert_cmpuint (evg_inbox_page_get_n_shown (page), ==, 1);

  /* Contacting the resident is the response: no longer overdue. */
  g_assert_true (evg_inbox_page_select_message (page, f->late));
  spin ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (evg_inbox_page_get_message_view (page)),
                                             "message.contacted", NULL));
  spin ();
  g_assert_cmpstr (evg_inbox_page_get_overdue_text (page), ==, "Overdue (0)");
  g_assert_cmpuint (evg_inbox_page_get_n_shown (page), ==, 0);
  /* The message stays shown while the list no longer has it. */
  g_assert_cmpstr (evg_inbox_page_get_selected (page), ==, f->late);
  g_assert_cmpstr (evg_message_view_get_message (evg_inbox_page_get_message_view (page)), ==, f->late);

  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
}

static gboolean
focus_is_inside (GtkWidget *widget,
                 GtkRoot   *root)
{
  GtkWidget *focus = gtk_root_get_focus (root);

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* Tab leaves the list in one step instead of walking every message, and
 * Shift+Tab comes back to it. */
static void
test_tab_leaves_list (Fixture       *f,
                      gconstpointer  data)
{
  GtkWidget *window;
  EvgInboxPage *page = show_page (&window, f);
  GtkWidget *list = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), EVG_TYPE_INBOX_PAGE,
                                                               "message_list"));
  GtkRoot *root = GTK_ROOT (window);

  g_assert_true (evg_inbox_page_select_message (page, f->rubbish));
  spin ();
  g_assert_true (gtk_widget_child_focus (list, GTK_DIR_TAB_FORWARD));
  g_assert_true (focus_is_inside (list, root));
  gtk_widget_child_focus (window, GTK_DIR_TAB_FORWARD);
  spin ();
  g_assert_false (focus_is_inside (list, root));
  gtk_widget_child_focus (window, GTK_DIR_TAB_BACKWARD);
  spin ();
  g_assert_true (focus_is_inside (list, root));
  /* The message chosen stays chosen. */
  g_assert_cmpstr (evg_inbox_page_get_selected (page), ==, f->rubbish);

  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
}

static void
type_into (GtkTextView *view,
           const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
}

static char *
dup_typed (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
test_reply_and_note (Fixture       *f,
                     gconstpointer  data)
{
  GtkWidget *window;
  EvgInboxPage *page = show_page (&window, f);
  EvgMessageView *view = evg_inbox_page_get_message_view (page);
  g_autofree char *contact = NULL;
  g_autofree char *timeline = NULL;
  g_autofree char *typed = NULL;

  g_assert_true (evg_inbox_page_select_message (page, f->rubbish));
  spin ();
  /* Every step's button answers to its own Alt+letter. */
  evg_test_assert_unique_mnemonics (window);
  /* The phone number is personal: masked as the roster masks it. */
  contact = evg_message_view_dup_contact_text (view);
  g_assert_cmpstr (contact, ==, "138****5678");

  type_into (evg_message_view_get_reply_view (view), "已通知物业，今天下午清理完毕。");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message.reply", NULL));
  spin ();
  g_assert_null (evg_message_view_get_error (view));
  typed = dup_typed (evg_message_view_get_reply_view (view));
  g_assert_cmpstr (typed, ==, "");
  type_into (evg_message_view_get_note_view (view), "物业经理电话已记下");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message.note", NULL));
  spin ();

  timeline = evg_message_view_dup_timeline (view);
  g_assert_nonnull (strstr (timeline, "Public Reply (The resident sees this)"));
  g_assert_nonnull (strstr (timeline, "已通知物业，今天下午清理完毕。"));
  g_assert_nonnull (strstr (timeline, "Internal Note (Internal: not shown to the resident)"));
  g_assert_nonnull (strstr (timeline, "物业经理电话已记下"));
  /* The reply comes first, as it was given first. */
  g_assert_true (strstr (timeline, "Public Reply") < strstr (timeline, "Internal Note"));

  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
}

static void
test_refused_reply_keeps_text (Fixture       *f,
                               gconstpointer  data)
{
  GtkWidget *window;
  EvgInboxPage *page = show_page (&window, f);
  EvgMessageView *view = evg_inbox_page_get_message_view (page);
  g_autoptr(GString) long_reply = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *typed = NULL;
  g_autofree char *id = NULL;
  const char *shown;

  g_assert_true (evg_inbox_page_select_message (page, f->rubbish));
  spin ();

  /* Nothing typed: the service says what is missing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message.reply", NULL));
  g_assert_nonnull (evg_message_view_get_error (view));

  /* Concluded elsewhere while the reply was being written: refused, said
   * so, and the reply is still there to keep. */
  id = evg_inbox_record (evg_context_get_inbox (f->context), f->rubbish, "reply", "先答复", &error);
  g_assert_no_error (error);
  g_clear_pointer (&id, g_free);
  id = evg_inbox_record (evg_context_get_inbox (f->context), f->rubbish, "closed", NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 300; i++)
    g_string_append (long_reply, "垃圾已清理。");
  type_into (evg_message_view_get_reply_view (view), long_reply->str);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message.reply", NULL));
  shown = evg_message_view_get_error (view);
  g_assert_nonnull (shown);
  g_assert_cmpstr (shown, !=, "");
  typed = dup_typed (evg_message_view_get_reply_view (view));
  g_assert_cmpstr (typed, ==, long_reply->str);

  /* Dismissed, the bar goes. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message.dismiss-error", NULL));
  g_assert_null (evg_message_view_get_error (view));

  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
}

static EvgMemberPicker *
find_picker (void)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (EVG_IS_MEMBER_PICKER (l->data))
      return l->data;
  return NULL;
}

static void
test_assign_and_merge (Fixture       *f,
                       gconstpointer  data)
{
  GtkWidget *window;
  EvgInboxPage *page = show_page (&window, f);
  EvgMessageView *view = evg_inbox_page_get_message_view (page);
  EvgInbox *inbox = evg_context_get_inbox (f->context);
  g_autoptr(EvgRecord) lamp = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *timeline = NULL;
  EvgMemberPicker *picker;
  gboolean copied = FALSE;

  g_assert_true (evg_inbox_page_select_message (page, f->late));
  spin ();

  /* Assigned by the member's pinyin. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message.assign", NULL));
  spin ();
  picker = find_picker ();
  g_assert_nonnull (picker);
  evg_member_picker_search (picker, "zhangsan");
  g_assert_cmpuint (evg_member_picker_get_n_matches (picker), ==, 1);
  g_assert_true (evg_member_picker_pick (picker, 0));
  spin ();
  g_assert_null (find_picker ());
  timeline = evg_message_view_dup_timeline (view);
  g_assert_nonnull (strstr (timeline, "Assigned to 张三"));

  /* The same lamp, said again: suggested, and merged here. */
  g_assert_cmpuint (evg_message_view_get_n_duplicates (view), ==, 1);
  g_assert_true (evg_message_view_merge_duplicate (view, 0));
  spin ();
  g_assert_null (evg_message_view_get_error (view));
  lamp = evg_inbox_dup_message (inbox, f->lamp);
  g_assert_cmpstr (evg_record_get (lamp, EVG_FEEDBACK_MERGED_INTO), ==, f->late);
  g_assert_cmpuint (evg_message_view_get_n_duplicates (view), ==, 0);

  /* The reply reaches the resident of the merged message too. */
  type_into (evg_message_view_get_reply_view (view), "灯已修好");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message.reply", NULL));
  spin ();
  events = evg_inbox_list_events (inbox, f->lamp, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    if (g_strcmp0 (evg_record_get (g_ptr_array_index (events, i), EVG_FEEDBACK_EVENT_TEXT), "灯已修好") == 0)
      copied = TRUE;
  g_assert_true (copied);

  /* Its page says where it went. */
  g_assert_true (evg_inbox_page_select_message (page, f->lamp));
  spin ();
  g_assert_false (gtk_widget_is_visible (GTK_WIDGET (evg_message_view_get_reply_view (view))));

  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
}

static void
test_whistle_and_agenda (Fixture       *f,
                         gconstpointer  data)
{
  GtkWidget *window;
  EvgInboxPage *page = show_page (&window, f);
  EvgMessageView *view = evg_inbox_page_get_message_view (page);
  g_autoptr(GPtrArray) links = NULL;
  g_autofree char *timeline = NULL;
  GListModel *whistles;
  guint n_whistles;

  g_assert_true (evg_inbox_page_select_message (page, f->rubbish));
  spin ();
  whistles = evg_checkins_get_whistles (evg_context_get_checkins (f->context));
  n_whistles = g_list_model_get_n_items (whistles);

  /* One step raises a whistle, linked both ways. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message.whistle", NULL));
  spin ();
  g_assert_null (evg_message_view_get_error (view));
  g_assert_cmpuint (g_list_model_get_n_items (whistles), ==, n_whistles + 1);
  timeline = evg_message_view_dup_timeline (view);
  g_assert_nonnull (strstr (timeline, "Whistle Raised"));
  {
    g_autoptr(EvgRecord) whistle = g_list_model_get_item (whistles, 0);

    links = evg_inbox_find_linked (evg_context_get_inbox (f->context), evg_record_get_id (whistle));
  }
  g_assert_cmpuint (links->len, ==, 1);

  /* No 主题党日 is planned: the step is refused, and says what to do. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "message.agenda", NULL));
  g_assert_nonnull (evg_message_view_get_error (view));
  g_assert_nonnull (strstr (evg_message_view_get_error (view), "主题党日"));

  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
}

static EvgMessageEditor *
find_editor (void)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (EVG_IS_MESSAGE_EDITOR (l->data))
      return l->data;
  return NULL;
}

static void
test_editor (Fixture       *f,
             gconstpointer  data)
{
  GtkWidget *window;
  EvgInboxPage *page = show_page (&window, f);
  EvgMessageEditor *editor;
  g_autoptr(EvgRecord) message = NULL;
  const char *id;

  /* Ctrl+N's action opens the editor. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "inbox.add", NULL));
  spin ();
  editor = find_editor ();
  g_assert_nonnull (editor);

  /* Nothing said: refused, and the editor stays. */
  g_assert_false (evg_message_editor_save (editor));
  g_assert_nonnull (evg_message_editor_get_problems (editor));
  evg_message_editor_set_text (editor, EVG_FEEDBACK_CONTENT, "健身器材坏了");
  evg_message_editor_set_text (editor, EVG_FEEDBACK_CONTACT, "12345");
  g_assert_false (evg_message_editor_save (editor));
  g_assert_nonnull (strstr (evg_message_editor_get_problems (editor), "12345"));
  evg_message_editor_set_text (editor, EVG_FEEDBACK_CONTACT, "139 1234 5678");
  evg_message_editor_set_text (editor, EVG_FEEDBACK_CHANNEL, "walk_in");
  evg_message_editor_set_text (editor, EVG_FEEDBACK_CATEGORY, "facilities");
  evg_message_editor_set_text (editor, EVG_FEEDBACK_FROM_NAME, "孙八");
  g_assert_true (evg_message_editor_save (editor));
  spin ();
  g_assert_null (find_editor ());

  /* Recorded, and shown at once. */
  id = evg_inbox_page_get_selected (page);
  g_assert_nonnull (id);
  message = evg_inbox_dup_message (evg_context_get_inbox (f->context), id);
  g_assert_cmpstr (evg_record_get (message, EVG_FEEDBACK_CONTENT), ==, "健身器材坏了");
  g_assert_cmpstr (evg_record_get (message, EVG_FEEDBACK_CHANNEL), ==, "walk_in");
  g_assert_cmpstr (evg_record_get (message, EVG_FEEDBACK_CATEGORY), ==, "facilities");
  g_assert_cmpstr (evg_record_get (message, EVG_FEEDBACK_STATUS), ==, "new");
  g_assert_cmpuint (evg_inbox_page_get_n_shown (page), ==, 4);

  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
}

/* Without sync set up there is no public page to point to: printing the
 * notice says so instead of printing a code that leads nowhere. */
static void
test_poster_needs_server (Fixture       *f,
                          gconstpointer  data)
{
  GtkWidget *window;
  EvgInboxPage *page = show_page (&window, f);
  GListModel *toplevels = gtk_window_get_toplevels ();
  AdwMessageDialog *dialog = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "inbox.print-poster", NULL));
  spin ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel))
        dialog = ADW_MESSAGE_DIALOG (toplevel);
    }
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "server"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
}

static void
test_rates (Fixture       *f,
            gconstpointer  data)
{
  GtkWidget *window;
  EvgInboxPage *page = show_page (&window, f);
  EvgRatesView *rates = evg_inbox_page_get_rates_view (page);
  EvgRatesChart *chart = evg_rates_view_get_chart (rates);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *month = g_date_time_format (now, "%Y-%m");
  g_autofree char *id = NULL;
  g_autoptr(GError) error = NULL;
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  id = evg_inbox_record (evg_context_get_inbox (f->context), f->rubbish, "reply", "已清理", &error);
  g_assert_no_error (error);
  evg_inbox_page_show_rates (page);
  spin ();
  while (evg_rates_view_get_loading (rates) && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (evg_rates_view_get_loading (rates));
  if (evg_rates_view_get_error (rates) != NULL)
    g_test_message ("rates: %s", evg_rates_view_get_error (rates));
  g_assert_null (evg_rates_view_get_error (rates));
  g_assert_cmpstr (evg_rates_view_get_month (rates), ==, month);

  /* Every rate with its formula beside it; the response rate has figures. */
  g_assert_true (g_str_has_suffix (evg_rates_view_get_rate_text (rates, EVG_RATE_RESPONSE), "%"));
  for (EvgRate r = EVG_RATE_RESPONSE; r <= EVG_RATE_SATISFACTION; r++)
    g_assert_cmpstr (evg_rates_view_get_formula (rates, r), !=, "");

  /* Twelve months, the chosen one last, read out in words. */
  g_assert_cmpuint (evg_rates_chart_get_n_months (chart), ==, 12);
  g_assert_nonnull (strstr (evg_rates_chart_get_description (chart), month));
  g_assert_nonnull (strstr (evg_rates_chart_get_description (chart), "response rate"));

  /* A month that cannot be written says why. */
  g_assert_false (evg_rates_view_export (rates, "/nonexistent/folder/messages.xlsx"));
  g_assert_nonnull (evg_rates_view_get_error (rates));

  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
  evg_test_wait_for_workers (evg_context_get_inbox (f->context));
}

static void
test_chart (void)
{
  EvgFeedbackRates rates[3] = { 0 };
  GtkWidget *chart = evg_rates_chart_new ();
  g_autofree char *after = evg_rates_dup_month_after ("2025-11", 3);
  g_autofree char *before = evg_rates_dup_month_after ("2026-01", -1);
  g_autofree char *half = evg_rates_format_percent (0.5);
  g_autofree char *third = evg_rates_format_percent (1.0 / 3);
  g_autofree char *none = evg_rates_format_percent (-1);

  g_assert_cmpstr (after, ==, "2026-02");
  g_assert_cmpstr (before, ==, "2025-12");
  g_assert_cmpstr (half, ==, "50%");
  g_assert_cmpstr (third, ==, "33.3%");
  g_assert_cmpstr (none, ==, "—");

  g_object_ref_sink (chart);
  rates[0] = (EvgFeedbackRates) { .received = 4, .response_rate = 0.75, .resolution_rate = 0.5,
                                  .satisfaction_rate = 1.0 };
  rates[1] = (EvgFeedbackRates) { .response_rate = -1, .resolution_rate = -1, .satisfaction_rate = -1 };
  rates[2] = (EvgFeedbackRates) { .received = 1, .response_rate = 1.0, .resolution_rate = -1,
                                  .satisfaction_rate = -1 };
  evg_rates_chart_set_rates (EVG_RATES_CHART (chart), "2025-12", rates, 3);
  g_assert_cmpstr (evg_rates_chart_get_description (EVG_RATES_CHART (chart)), ==,
                   "2025-12: response rate 75%, resolution rate 50%, satisfaction rate 100%; "
                   "2026-01: nothing to rate; "
                   "2026-02: response rate 100%, resolution rate —, satisfaction rate —");
  g_assert_finalize_object (chart);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/inbox-page/list-narrows", Fixture, NULL, fixture_set_up, test_list_narrows, fixture_tear_down);
  g_test_add ("/inbox-page/overdue", Fixture, NULL, fixture_set_up, test_overdue, fixture_tear_down);
  g_test_add ("/inbox-page/tab-leaves-list", Fixture, NULL, fixture_set_up, test_tab_leaves_list,
              fixture_tear_down);
  g_test_add ("/inbox-page/reply-and-note", Fixture, NULL, fixture_set_up, test_reply_and_note,
              fixture_tear_down);
  g_test_add ("/inbox-page/refused-reply-keeps-text", Fixture, NULL, fixture_set_up,
              test_refused_reply_keeps_text, fixture_tear_down);
  g_test_add ("/inbox-page/assign-and-merge", Fixture, NULL, fixture_set_up, test_assign_and_merge,
              fixture_tear_down);
  g_test_add ("/inbox-page/whistle-and-agenda", Fixture, NULL, fixture_set_up, test_whistle_and_agenda,
              fixture_tear_down);
  g_test_add ("/inbox-page/editor", Fixture, NULL, fixture_set_up, test_editor, fixture_tear_down);
  g_test_add ("/inbox-page/rates", Fixture, NULL, fixture_set_up, test_rates, fixture_tear_down);
  g_test_add ("/inbox-page/poster-needs-server", Fixture, NULL, fixture_set_up, test_poster_needs_server,
              fixture_tear_down);
  g_test_add_func ("/inbox-page/chart", test_chart);
  return g_test_run ();
}
