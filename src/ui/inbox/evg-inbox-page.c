/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-inbox-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "evg-accessible.h"
#include "evg-feedback-list.h"
#include "evg-inbox-page.h"
#include "evg-page-keys.h"
#include "evg-print.h"
#include "evg-feedback-poster.h"
#include "evg-list-focus.h"
#include "evg-message-editor.h"

/* The message board (留言板): residents' messages, newest first, narrowed
 * by state, by "overdue" and by words, name, place or pinyin; the chosen
 * message with its timeline beside them; and the monthly rates as a
 * second view.  The list is the service's own model, which narrows
 * itself: wrapping it in a filter or sort model would read every row. */

struct _EvgInboxPage
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkStack           *view_stack;
  AdwLeaflet         *leaflet;
  GtkWidget          *list_pane;
  AdwEntryRow        *search_entry;
  GtkLabel           *search_hint;
  GtkDropDown        *status_filter;
  GtkToggleButton    *overdue_button;
  GtkStack           *list_stack;
  GtkListView        *message_list;
  GtkStack           *detail_stack;
  EvgMessageView     *message_view;
  EvgRatesView       *rates_view;

  /* Owned */
  EvgContext         *context;
  EvgFeedbackList    *messages;
  GtkSingleSelection *selection;
  GHashTable         *status_labels;  /* GtkLabel → its status (code or ""), of the bound items */
  GHashTable         *bound_rows;     /* the list's row boxes that show a message */
  char               *shown_id;       /* the message in the detail, kept when the list no longer has it */
  guint               tick_id;
  gboolean            listening;
  gboolean            following;      /* the selection moves with the shown message, not by the user */
};

G_DEFINE_FINAL_TYPE (EvgInboxPage, evg_inbox_page, GTK_TYPE_WIDGET)

static EvgInbox *
get_inbox (EvgInboxPage *self)
{
  return evg_context_get_inbox (self->context);
}

static const EvgColumnSpec *
status_column (void)
{
  return evg_feedback_field_get_info (EVG_FEEDBACK_STATUS);
}

/* The status filter's item @position: NULL for every state. */
static const char *
status_at (guint position)
{
  return position > 0 && position <= status_column ()->n_choices
         ? status_column ()->choices[position - 1].code : NULL;
}

/* Counts */

/* "待处理 (3)": a state and how many messages are in it. */
static char *
dup_status_label (EvgInboxPage *self,
                  const char   *status)
{
  const EvgChoice *choice = evg_column_spec_find_choice (status_column (), status);
  const char *name = choice != NULL ? _(choice->label) : _("All States");
  guint n;

  if (self->messages == NULL)
    return g_strdup (name);
  n = status != NULL ? evg_feedback_list_count_status (self->messages, status)
                     : evg_feedback_list_get_n_total (self->messages);
  return g_strdup_printf ("%s (%u)", name, n);
}

static void
update_counts (EvgInboxPage *self)
{
  GHashTableIter iter;
  gpointer label, status;
  g_autofree char *overdue = NULL;
  g_autofree char *accessible = NULL;
  guint n;

  g_hash_table_iter_init (&iter, self->status_labels);
  while (g_hash_table_iter_next (&iter, &label, &status))
    {
      g_autofree char *text = dup_status_label (self, *(char *) status != '\0' ? status : NULL);

      gtk_label_set_text (label, text);
    }

  n = self->context != NULL ? evg_inbox_count_overdue (get_inbox (self)) : 0;
  overdue = g_strdup_printf (_("Overdue (%u)"), n);
  gtk_button_set_label (GTK_BUTTON (self->overdue_button), overdue);
  accessible = g_strdup_printf (ngettext ("Only overdue messages: %u is overdue",
                                          "Only overdue messages: %u are overdue", n), n);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->overdue_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  if (n > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->overdue_button), "evg-overdue-toggle");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->overdue_button), "evg-overdue-toggle");
}

static void
setup_status_item (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   EvgInboxPage             *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_status_item (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  EvgInboxPage             *self)
{
  const char *status = status_at (gtk_list_item_get_position (item));
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *text = dup_status_label (self, status);

  gtk_label_set_text (GTK_LABEL (label), text);
  g_hash_table_replace (self->status_labels, label, g_strdup (status != NULL ? status : ""));
}

static void
unbind_status_item (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    EvgInboxPage             *self)
{
  g_hash_table_remove (self->status_labels, gtk_list_item_get_child (item));
}

static void
build_status_filter (EvgInboxPage *self)
{
  g_autoptr(GtkStringList) states = gtk_string_list_new (NULL);
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  /* The items are only places: the labels, with their counts, come from
   * the factory, which updates them when the messages change. */
  gtk_string_list_append (states, "");
  for (guint i = 0; i < status_column ()->n_choices; i++)
    gtk_string_list_append (states, status_column ()->choices[i].code);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_status_item), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_status_item), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_status_item), self);
  gtk_drop_down_set_factory (self->status_filter, factory);
  gtk_drop_down_set_model (self->status_filter, G_LIST_MODEL (states));
  evg_drop_down_set_accessible_name (self->status_filter, _("Status filter"));
}

/* The list */

static GtkWidget *
nth_child (GtkWidget *widget,
           guint      n)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  while (n-- > 0 && child != NULL)
    child = gtk_widget_get_next_sibling (child);
  return child;
}

static void
setup_message_row (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   EvgInboxPage             *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *badges = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *when = gtk_label_new (NULL);
  GtkWidget *content = gtk_label_new (NULL);
  GtkWidget *meta = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_hexpand (badges, TRUE);
  gtk_label_set_xalign (GTK_LABEL (when), 1);
  gtk_widget_add_css_class (when, "dim-label");
  gtk_widget_add_css_class (when, "caption");
  gtk_label_set_xalign (GTK_LABEL (content), 0);
  gtk_label_set_single_line_mode (GTK_LABEL (content), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (content), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (meta), 0);
  gtk_label_set_ellipsize (GTK_LABEL (meta), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (meta, "dim-label");
  gtk_widget_add_css_class (meta, "caption");
  gtk_box_append (GTK_BOX (top), badges);
  gtk_box_append (GTK_BOX (top), when);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), content);
  gtk_box_append (GTK_BOX (box), meta);
  gtk_list_item_set_child (item, box);
}

static void
add_row_badge (GtkWidget  *badges,
               GString    *accessible,
               const char *text,
               const char *css)
{
  GtkWidget *badge = gtk_label_new (text);

  gtk_widget_add_css_class (badge, "evg-badge");
  gtk_widget_add_css_class (badge, css);
  gtk_box_append (GTK_BOX (badges), badge);
  g_string_append_printf (accessible, ", %s", text);
}

/* Shows @message in the row @box, its badges as the message's events
 * say now. */
static void
fill_message_row (EvgInboxPage *self,
                  GtkWidget    *box,
                  EvgRecord    *message)
{
  GtkWidget *top = nth_child (box, 0);
  GtkWidget *badges = nth_child (top, 0);
  const char *id = evg_record_get_id (message);
  const char *status = evg_record_get (message, EVG_FEEDBACK_STATUS);
  const char *name = evg_record_get (message, EVG_FEEDBACK_FROM_NAME);
  const char *place = evg_record_get (message, EVG_FEEDBACK_PLACE);
  const char *category = evg_record_get_choice_label (message, EVG_FEEDBACK_CATEGORY);
  EvgFeedbackFlags flags = evg_inbox_get_message_flags (get_inbox (self), message);
  g_autofree char *status_css = g_strdup_printf ("evg-status-%s", status);
  g_autoptr(GString) meta = g_string_new (name != NULL ? name : _("Name not given"));
  g_autoptr(GString) accessible = g_string_new (NULL);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (badges)) != NULL)
    gtk_box_remove (GTK_BOX (badges), child);
  g_string_append (accessible, evg_record_get (message, EVG_FEEDBACK_CONTENT));
  add_row_badge (badges, accessible, evg_record_get_choice_label (message, EVG_FEEDBACK_STATUS), status_css);
  if (flags & EVG_FEEDBACK_FLAG_OVERDUE)
    add_row_badge (badges, accessible, _("Overdue"), "evg-badge-overdue");
  if (flags & EVG_FEEDBACK_FLAG_WAITING)
    add_row_badge (badges, accessible, _("Waiting"), "evg-badge-waiting");
  if (flags & EVG_FEEDBACK_FLAG_REOPENED)
    add_row_badge (badges, accessible, _("Reopened"), "evg-badge-reopened");
  if (flags & EVG_FEEDBACK_FLAG_MERGED)
    add_row_badge (badges, accessible, _("Merged"), "evg-badge-merged");

  gtk_label_set_text (GTK_LABEL (nth_child (top, 1)), evg_record_get (message, EVG_FEEDBACK_RECEIVED_AT));
  gtk_label_set_text (GTK_LABEL (nth_child (box, 1)), evg_record_get (message, EVG_FEEDBACK_CONTENT));
  if (place != NULL)
    g_string_append_printf (meta, " · %s", place);
  if (*category != '\0')
    g_string_append_printf (meta, " · %s", category);
  gtk_label_set_text (GTK_LABEL (nth_child (box, 2)), meta->str);
  g_string_append_printf (accessible, ", %s, %s", meta->str, evg_record_get (message, EVG_FEEDBACK_RECEIVED_AT));

  if (flags & EVG_FEEDBACK_FLAG_OVERDUE)
    gtk_widget_add_css_class (box, "evg-message-overdue");
  else
    gtk_widget_remove_css_class (box, "evg-message-overdue");
  g_object_set_data_full (G_OBJECT (box), "message-id", g_strdup (id), g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (box)), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible->str, -1);
}

static void
bind_message_row (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  EvgInboxPage             *self)
{
  GtkWidget *box = gtk_list_item_get_child (item);

  fill_message_row (self, box, gtk_list_item_get_item (item));
  g_hash_table_add (self->bound_rows, box);
}

static void
unbind_message_row (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    EvgInboxPage             *self)
{
  g_hash_table_remove (self->bound_rows, gtk_list_item_get_child (item));
}

/* Time alone makes a message overdue: the rows on screen are read again. */
static void
refresh_rows (EvgInboxPage *self)
{
  GHashTableIter iter;
  gpointer box;

  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, &box, NULL))
    {
      g_autoptr(EvgRecord) message = evg_inbox_dup_message (get_inbox (self),
                                                            g_object_get_data (box, "message-id"));

      if (message != NULL)
        fill_message_row (self, box, message);
    }
}

static void
update_list_state (EvgInboxPage *self)
{
  const char *state = "list";

  if (self->messages == NULL || evg_feedback_list_get_n_total (self->messages) == 0)
    state = "empty";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->messages)) == 0)
    state = "no-match";
  gtk_stack_set_visible_child_name (self->list_stack, state);
}

/* The selection follows the shown message wherever the list moved it,
 * and lets go when the list no longer has it; the detail stays. */
static void
follow_shown (EvgInboxPage *self)
{
  guint position = GTK_INVALID_LIST_POSITION;

  if (self->selection == NULL)
    return;
  if (self->shown_id != NULL)
    position = evg_feedback_list_find (self->messages, self->shown_id);
  if (position == gtk_single_selection_get_selected (self->selection))
    return;
  self->following = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->following = FALSE;
}

static void
on_items_changed (EvgInboxPage *self)
{
  update_list_state (self);
  update_counts (self);
  follow_shown (self);
}

static void
show_message (EvgInboxPage *self,
              const char   *id)
{
  if (id != self->shown_id)
    {
      g_free (self->shown_id);
      self->shown_id = g_strdup (id);
    }
  evg_message_view_set_message (self->message_view, id);
  gtk_stack_set_visible_child_name (self->detail_stack, id != NULL ? "detail" : "none");
}

static void
on_selection_changed (EvgInboxPage *self)
{
  EvgRecord *message;

  if (self->following)
    return;
  message = gtk_single_selection_get_selected_item (self->selection);
  if (message == NULL)
    return;
  show_message (self, evg_record_get_id (message));
  /* Side by side, the focus stays in the list for the arrow keys; folded,
   * the message takes the place of the list. */
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->detail_stack));
}

static void
on_search_changed (EvgInboxPage *self)
{
  gboolean incomplete;

  if (self->messages == NULL)
    return;
  evg_feedback_list_set_search_text (self->messages, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  /* A word or two in half the messages: the newest are shown, and the
   * hint says how to find the rest. */
  incomplete = evg_feedback_list_get_search_incomplete (self->messages);
  if (incomplete)
    {
      g_autofree char *hint = g_strdup_printf (_("Only the %u most recent messages with these words are "
                                                 "shown. Type more to narrow the search."),
                                               (guint) EVG_FEEDBACK_LIST_SEARCH_LIMIT);

      gtk_label_set_label (self->search_hint, hint);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->search_hint), incomplete);
}

static void
on_status_changed (EvgInboxPage *self)
{
  if (self->messages != NULL)
    evg_feedback_list_set_status (self->messages, status_at (gtk_drop_down_get_selected (self->status_filter)));
}

static void
on_overdue_toggled (EvgInboxPage *self)
{
  if (self->messages != NULL)
    evg_feedback_list_set_overdue_only (self->messages, gtk_toggle_button_get_active (self->overdue_button));
}

static void
on_open_message (EvgInboxPage *self,
                 const char   *id)
{
  evg_inbox_page_select_message (self, id);
}

/* Time makes messages overdue without anything being written: the counts,
 * the rows on screen and the shown message are read again every minute. */
static gboolean
on_tick (gpointer data)
{
  EvgInboxPage *self = data;

  update_counts (self);
  refresh_rows (self);
  if (self->shown_id != NULL)
    evg_message_view_reload (self->message_view);
  return G_SOURCE_CONTINUE;
}

/* Actions */

static void
on_message_recorded (EvgMessageEditor *editor,
                     const char       *id,
                     EvgInboxPage     *self)
{
  evg_inbox_page_select_message (self, id);
}

/* The notice for the community board, with the QR code of the branch's
 * page on the central server; without sync set up there is no page yet,
 * and the dialog says so. */
static void
print_poster_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  EvgInboxPage *self = EVG_INBOX_PAGE (widget);
  GtkWindow *parent = GTK_WINDOW (gtk_widget_get_root (widget));
  g_autoptr(EvgFeedbackPoster) poster = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL, *code = NULL, *url = NULL;
  guint respond_hours;

  if (self->context == NULL)
    return;
  name = evg_context_dup_branch_name (self->context);
  code = evg_context_dup_branch_code (self->context);
  url = evg_feedback_page_url (evg_sync_client_get_server_url (evg_context_get_sync_client (self->context)),
                               code, &error);
  if (url == NULL)
    {
      evg_print_show_error (parent, _("The Notice Cannot Be Printed Yet"), error);
      return;
    }
  evg_inbox_get_due_hours (evg_context_get_inbox (self->context), &respond_hours, NULL);
  poster = evg_feedback_poster_new (name, url, respond_hours);
  evg_print_run (parent, EVG_PAGES (poster), _("The Notice Could Not Be Printed"));
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  EvgInboxPage *self = EVG_INBOX_PAGE (widget);
  EvgMessageEditor *editor;

  if (self->context == NULL)
    return;
  editor = evg_message_editor_new (get_inbox (self));
  gtk_window_set_transient_for (GTK_WINDOW (editor), GTK_WINDOW (gtk_widget_get_root (widget)));
  g_signal_connect_object (editor, "saved", G_CALLBACK (on_message_recorded), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  EvgInboxPage *self = EVG_INBOX_PAGE (widget);

  gtk_stack_set_visible_child_name (self->view_stack, "messages");
  adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
show_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  EvgInboxPage *self = EVG_INBOX_PAGE (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_drop_down_set_selected (self->status_filter, 0);
  gtk_toggle_button_set_active (self->overdue_button, FALSE);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EvgInboxPage *self = EVG_INBOX_PAGE (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
}

static void
on_folded (EvgInboxPage *self)
{
  evg_message_view_set_back_visible (self->message_view, adw_leaflet_get_folded (self->leaflet));
}

/* Set-up */

static void
start_listening (EvgInboxPage *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;

  if (self->listening || self->context == NULL)
    return;
  self->listening = TRUE;
  self->messages = evg_feedback_list_new (get_inbox (self));
  evg_feedback_list_set_status (self->messages, status_at (gtk_drop_down_get_selected (self->status_filter)));
  evg_feedback_list_set_overdue_only (self->messages, gtk_toggle_button_get_active (self->overdue_button));
  evg_feedback_list_set_search_text (self->messages, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_message_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_message_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_message_row), self);
  gtk_list_view_set_factory (self->message_list, factory);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->messages)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  gtk_list_view_set_model (self->message_list, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (on_selection_changed), self,
                           G_CONNECT_SWAPPED);
  /* After the selection's own handler: it has moved by then. */
  g_signal_connect_object (self->messages, "items-changed", G_CALLBACK (on_items_changed), self,
                           G_CONNECT_SWAPPED);
  self->tick_id = g_timeout_add_seconds (60, on_tick, self);
  update_list_state (self);
  update_counts (self);
}

static void
evg_inbox_page_dispose (GObject *object)
{
  EvgInboxPage *self = EVG_INBOX_PAGE (object);
  GtkWidget *child;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), EVG_TYPE_INBOX_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->messages);
  g_clear_pointer (&self->status_labels, g_hash_table_unref);
  g_clear_pointer (&self->bound_rows, g_hash_table_unref);
  g_clear_pointer (&self->shown_id, g_free);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (evg_inbox_page_parent_class)->dispose (object);
}

static void
evg_inbox_page_class_init (EvgInboxPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = evg_inbox_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/evanguard/Workstation/ui/evg-inbox-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, EvgInboxPage, name)
  BIND (view_stack);
  BIND (leaflet);
  BIND (list_pane);
  BIND (search_entry);
  BIND (search_hint);
  BIND (status_filter);
  BIND (overdue_button);
  BIND (list_stack);
  BIND (message_list);
  BIND (detail_stack);
  BIND (message_view);
  BIND (rates_view);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_open_message);

  gtk_widget_class_install_action (widget_class, "inbox.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "inbox.print-poster", NULL, print_poster_action);
  gtk_widget_class_install_action (widget_class, "inbox.focus-search", NULL, focus_search_action);
  gtk_widget_class_install_action (widget_class, "inbox.show-all", NULL, show_all_action);
  gtk_widget_class_install_action (widget_class, "inbox.back", NULL, back_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

/* The page's keys work wherever the focus is while the page shows. */
static void
add_shortcuts (EvgInboxPage *self)
{
  static const EvgPageKey keys[] = {
    { GDK_KEY_n, GDK_CONTROL_MASK, "inbox.add" },
    { GDK_KEY_f, GDK_CONTROL_MASK, "inbox.focus-search" },
  };

  evg_page_add_keys (GTK_WIDGET (self), keys, G_N_ELEMENTS (keys));
}

static void
evg_inbox_page_init (EvgInboxPage *self)
{
  g_type_ensure (EVG_TYPE_LIST_FOCUS);
  g_type_ensure (EVG_TYPE_MESSAGE_VIEW);
  g_type_ensure (EVG_TYPE_RATES_VIEW);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->status_labels = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  self->bound_rows = g_hash_table_new (g_direct_hash, g_direct_equal);
  build_status_filter (self);
  update_counts (self);
  /* An entry row, not a search entry: the list narrows itself quickly
   * enough for every keystroke, and screen readers can fill it in. */
  g_signal_connect_swapped (self->search_entry, "changed", G_CALLBACK (on_search_changed), self);
  g_signal_connect_swapped (self->status_filter, "notify::selected", G_CALLBACK (on_status_changed), self);
  g_signal_connect_swapped (self->overdue_button, "toggled", G_CALLBACK (on_overdue_toggled), self);
  g_signal_connect_swapped (self->leaflet, "notify::folded", G_CALLBACK (on_folded), self);
  add_shortcuts (self);
  /* The messages are read when the page is first shown. */
  g_signal_connect (self, "map", G_CALLBACK (start_listening), NULL);
}

void
evg_inbox_page_set_context (EvgInboxPage *self,
                            EvgContext   *context)
{
  g_return_if_fail (EVG_IS_INBOX_PAGE (self));

  if (self->context == context)
    return;
  g_return_if_fail (self->context == NULL);
  self->context = g_object_ref (context);
  evg_message_view_set_context (self->message_view, context);
  evg_rates_view_set_context (self->rates_view, context);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    start_listening (self);
}

/**
 * evg_inbox_page_select_message:
 *
 * Shows the message @id, in the list too when the list has it (the
 * filters are cleared when they hide it).
 *
 * Returns: whether the message exists
 */
gboolean
evg_inbox_page_select_message (EvgInboxPage *self,
                               const char   *id)
{
  g_autoptr(EvgRecord) message = NULL;

  g_return_val_if_fail (EVG_IS_INBOX_PAGE (self), FALSE);

  start_listening (self);
  if (self->context == NULL || id == NULL)
    return FALSE;
  message = evg_inbox_dup_message (get_inbox (self), id);
  if (message == NULL)
    return FALSE;
  gtk_stack_set_visible_child_name (self->view_stack, "messages");
  if (evg_feedback_list_find (self->messages, id) == GTK_INVALID_LIST_POSITION)
    show_all_action (GTK_WIDGET (self), NULL, NULL);
  show_message (self, evg_record_get_id (message));
  follow_shown (self);
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->detail_stack));
  return TRUE;
}

const char *
evg_inbox_page_get_selected (EvgInboxPage *self)
{
  g_return_val_if_fail (EVG_IS_INBOX_PAGE (self), NULL);
  return self->shown_id;
}

void
evg_inbox_page_show_rates (EvgInboxPage *self)
{
  g_return_if_fail (EVG_IS_INBOX_PAGE (self));
  start_listening (self);
  gtk_stack_set_visible_child_name (self->view_stack, "rates");
}

/* Shows the messages in @status ("new" … "closed"), or in any for NULL. */
void
evg_inbox_page_set_status (EvgInboxPage *self,
                           const char   *status)
{
  guint position = 0;

  g_return_if_fail (EVG_IS_INBOX_PAGE (self));

  for (guint i = 0; status != NULL && i < status_column ()->n_choices; i++)
    if (g_str_equal (status_column ()->choices[i].code, status))
      position = i + 1;
  gtk_drop_down_set_selected (self->status_filter, position);
}

GtkWidget *
evg_inbox_page_get_search_entry (EvgInboxPage *self)
{
  g_return_val_if_fail (EVG_IS_INBOX_PAGE (self), NULL);
  return GTK_WIDGET (self->search_entry);
}

GtkToggleButton *
evg_inbox_page_get_overdue_button (EvgInboxPage *self)
{
  g_return_val_if_fail (EVG_IS_INBOX_PAGE (self), NULL);
  return self->overdue_button;
}

const char *
evg_inbox_page_get_overdue_text (EvgInboxPage *self)
{
  g_return_val_if_fail (EVG_IS_INBOX_PAGE (self), NULL);
  return gtk_button_get_label (GTK_BUTTON (self->overdue_button));
}

/* The status filter's label for @status (NULL: every state), count and all. */
char *
evg_inbox_page_dup_status_label (EvgInboxPage *self,
                                 const char   *status)
{
  g_return_val_if_fail (EVG_IS_INBOX_PAGE (self), NULL);
  return dup_status_label (self, status);
}

guint
evg_inbox_page_get_n_shown (EvgInboxPage *self)
{
  g_return_val_if_fail (EVG_IS_INBOX_PAGE (self), 0);
  return self->messages != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->messages)) : 0;
}

/* "list", "empty" (no messages at all) or "no-match". */
const char *
evg_inbox_page_get_list_state (EvgInboxPage *self)
{
  g_return_val_if_fail (EVG_IS_INBOX_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->list_stack);
}

static GtkWidget *
find_row (GtkWidget  *widget,
          const char *id)
{
  if (g_strcmp0 (g_object_get_data (G_OBJECT (widget), "message-id"), id) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, id);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Whether the list's row of @id, if it is on screen, is marked overdue. */
gboolean
evg_inbox_page_is_marked_overdue (EvgInboxPage *self,
                                  const char   *id)
{
  GtkWidget *row;

  g_return_val_if_fail (EVG_IS_INBOX_PAGE (self), FALSE);
  row = find_row (GTK_WIDGET (self->message_list), id);
  return row != NULL && gtk_widget_has_css_class (row, "evg-message-overdue");
}

EvgMessageView *
evg_inbox_page_get_message_view (EvgInboxPage *self)
{
  g_return_val_if_fail (EVG_IS_INBOX_PAGE (self), NULL);
  return self->message_view;
}

EvgRatesView *
evg_inbox_page_get_rates_view (EvgInboxPage *self)
{
  g_return_val_if_fail (EVG_IS_INBOX_PAGE (self), NULL);
  return self->rates_view;
}
