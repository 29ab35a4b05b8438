/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "evg-conflicts-window.h"
#include "evg-calendar-page.h"
#include "evg-checkins-page.h"
#include "evg-inbox-page.h"
#include "evg-roster-page.h"
#include "evg-stack-icons.h"
#include "evg-sync-indicator.h"
#include "evg-list-focus.h"
#include "evg-window.h"

static const char * const page_names[] = { "roster", "calendar", "checkins", "inbox" };

struct _EvgWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwLeaflet           *leaflet;
  GtkStack             *stack;
  GtkStack             *roster_stack;
  AdwWindowTitle       *content_title;
  AdwWindowTitle       *sidebar_title;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwStatusPage        *error_page;
  EvgSyncIndicator     *sync_indicator;
  EvgRosterPage        *roster_page;
  EvgCalendarPage      *calendar_page;
  AdwBin               *checkins_slot;
  AdwBin               *inbox_slot;
  EvgCheckinsPage      *checkins_page;   /* made when first shown */
  EvgInboxPage         *inbox_page;      /* made when first shown */
  GtkWidget            *calendar_warning;

  /* Owned */
  EvgContext           *context;
  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (EvgWindow, evg_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Shows what the roster page can do with the branch as it is set up.  A
 * branch without a name and code is the first thing to fix on a new machine. */
static void
update_roster_state (EvgWindow *self)
{
  g_autofree char *name = NULL;
  g_autofree char *code = NULL;

  if (self->context == NULL)
    return;

  name = evg_context_dup_branch_name (self->context);
  code = evg_context_dup_branch_code (self->context);
  gtk_stack_set_visible_child_name (self->roster_stack,
                                    name == NULL || code == NULL ? "setup" : "roster");
  adw_window_title_set_subtitle (self->sidebar_title, name != NULL ? name : "");
}

/* The check-ins and inbox pages are made when first shown: their widgets
 * cost a start on the roster about 12 MiB and a share of its first frame
 * (bench-roster-startup), for pages many starts never show. */
static EvgCheckinsPage *
ensure_checkins_page (EvgWindow *self)
{
  if (self->checkins_page == NULL)
    {
      self->checkins_page = g_object_new (EVG_TYPE_CHECKINS_PAGE, NULL);
      adw_bin_set_child (self->checkins_slot, GTK_WIDGET (self->checkins_page));
      if (self->context != NULL)
        evg_checkins_page_set_context (self->checkins_page, self->context);
    }
  return self->checkins_page;
}

static EvgInboxPage *
ensure_inbox_page (EvgWindow *self)
{
  if (self->inbox_page == NULL)
    {
      self->inbox_page = g_object_new (EVG_TYPE_INBOX_PAGE, NULL);
      adw_bin_set_child (self->inbox_slot, GTK_WIDGET (self->inbox_page));
      if (self->context != NULL)
        evg_inbox_page_set_context (self->inbox_page, self->context);
    }
  return self->inbox_page;
}

static void
on_visible_page_changed (EvgWindow *self)
{
  GtkWidget *child = gtk_stack_get_visible_child (self->stack);
  GtkStackPage *page;

  if (child == NULL)
    return;
  if (child == GTK_WIDGET (self->checkins_slot))
    ensure_checkins_page (self);
  else if (child == GTK_WIDGET (self->inbox_slot))
    ensure_inbox_page (self);
  page = gtk_stack_get_page (self->stack, child);
  adw_window_title_set_title (self->content_title, gtk_stack_page_get_title (page));
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

/* One action per page ("win.show-roster", …) rather than one with a
 * parameter: screen readers list parameterless actions, so each page can be
 * reached through AT-SPI as well as by its shortcut. */
static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  evg_window_set_page (EVG_WINDOW (widget), action_name + strlen ("win.show-"));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EvgWindow *self = EVG_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* Shows a record another page links to: the whistle raised for a message,
 * the meeting it is on the agenda of. */
static void
show_whistle_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  EvgWindow *self = EVG_WINDOW (widget);

  evg_window_set_page (self, "checkins");
  evg_checkins_page_select_whistle (ensure_checkins_page (self), g_variant_get_string (parameter, NULL));
}

static void
show_meeting_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  EvgWindow *self = EVG_WINDOW (widget);

  evg_window_set_page (self, "calendar");
  evg_calendar_page_open_meeting (self->calendar_page, g_variant_get_string (parameter, NULL));
}

static void
show_message_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  EvgWindow *self = EVG_WINDOW (widget);

  evg_window_set_page (self, "inbox");
  evg_inbox_page_select_message (ensure_inbox_page (self), g_variant_get_string (parameter, NULL));
}

static void
show_conflicts_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  EvgWindow *self = EVG_WINDOW (widget);
  EvgConflictsWindow *conflicts;

  if (self->context == NULL)
    return;

  conflicts = evg_conflicts_window_new (evg_context_get_sync_client (self->context));
  gtk_window_set_transient_for (GTK_WINDOW (conflicts), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (conflicts), TRUE);
  gtk_window_present (GTK_WINDOW (conflicts));
}

/* GtkApplication would build the shortcuts window for every new window,
 * which costs a tenth of a second at start-up; build it when asked. */
/* GtkShortcutsWindow heads itself "Shortcuts" whatever its title; the
 * heading should say what the menu item said. */
static gboolean
retitle_shortcuts (GtkWidget  *widget,
                   const char *gtk_title,
                   const char *title)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), gtk_title) == 0)
    {
      gtk_label_set_label (GTK_LABEL (widget), title);
      return TRUE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (retitle_shortcuts (child, gtk_title, title))
      return TRUE;
  return FALSE;
}

static void
show_help_overlay_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/org/evanguard/Workstation/ui/help-overlay.ui");
  GtkWindow *overlay = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));

  gtk_window_set_transient_for (overlay, GTK_WINDOW (widget));
  retitle_shortcuts (GTK_WIDGET (overlay), g_dgettext ("gtk40", "Shortcuts"), gtk_window_get_title (overlay));
  gtk_window_present (overlay);
}

static gboolean
evg_window_close_request (GtkWindow *window)
{
  EvgWindow *self = EVG_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (evg_window_parent_class)->close_request (window);
}

/* A period about to end without its meeting marks the calendar's name in
 * the sidebar, wherever the secretary is. */
static void
update_calendar_attention (EvgWindow *self)
{
  GtkStackPage *page = gtk_stack_get_page (self->stack, GTK_WIDGET (self->calendar_page));
  const char *warning = evg_calendar_page_get_warning (self->calendar_page);

  gtk_stack_page_set_needs_attention (page, warning != NULL);
  /* And in the header, whatever page shows: one click leads to it. */
  gtk_widget_set_visible (self->calendar_warning, warning != NULL);
  gtk_widget_set_tooltip_text (self->calendar_warning, warning);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->calendar_warning), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  warning != NULL ? warning : "", -1);
}

static void
evg_window_constructed (GObject *object)
{
  EvgWindow *self = EVG_WINDOW (object);

  G_OBJECT_CLASS (evg_window_parent_class)->constructed (object);

  if (self->context != NULL)
    {
      g_signal_connect_object (self->context, "notify::branch-name",
                               G_CALLBACK (update_roster_state), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->context, "notify::branch-code",
                               G_CALLBACK (update_roster_state), self, G_CONNECT_SWAPPED);
      update_roster_state (self);
      evg_sync_indicator_set_client (self->sync_indicator,
                                     evg_context_get_sync_client (self->context));
      evg_roster_page_set_context (self->roster_page, self->context);
      g_signal_connect_object (self->calendar_page, "notify::warning",
                               G_CALLBACK (update_calendar_attention), self, G_CONNECT_SWAPPED);
      evg_calendar_page_set_context (self->calendar_page, self->context);
      update_calendar_attention (self);
      if (self->checkins_page != NULL)
        evg_checkins_page_set_context (self->checkins_page, self->context);
      if (self->inbox_page != NULL)
        evg_inbox_page_set_context (self->inbox_page, self->context);
    }
  /* After the branch's state chose the page: the welcome is often not it. */
  evg_stack_defer_status_icons (self->roster_stack);
}

static void
evg_window_dispose (GObject *object)
{
  EvgWindow *self = (EvgWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), EVG_TYPE_WINDOW);
  g_clear_object (&self->context);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (evg_window_parent_class)->dispose (object);
}

static void
evg_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  EvgWindow *self = EVG_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  EvgWindow *self = EVG_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_window_class_init (EvgWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = evg_window_constructed;
  object_class->dispose = evg_window_dispose;
  object_class->get_property = evg_window_get_property;
  object_class->set_property = evg_window_set_property;
  window_class->close_request = evg_window_close_request;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         EVG_TYPE_CONTEXT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/evanguard/Workstation/ui/evg-window.ui");
  gtk_widget_class_bind_template_child (widget_class, EvgWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, EvgWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, EvgWindow, roster_stack);
  gtk_widget_class_bind_template_child (widget_class, EvgWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, EvgWindow, sidebar_title);
  gtk_widget_class_bind_template_child (widget_class, EvgWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, EvgWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, EvgWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, EvgWindow, sync_indicator);
  gtk_widget_class_bind_template_child (widget_class, EvgWindow, roster_page);
  gtk_widget_class_bind_template_child (widget_class, EvgWindow, calendar_page);
  gtk_widget_class_bind_template_child (widget_class, EvgWindow, checkins_slot);
  gtk_widget_class_bind_template_child (widget_class, EvgWindow, inbox_slot);
  gtk_widget_class_bind_template_child (widget_class, EvgWindow, calendar_warning);
  gtk_widget_class_bind_template_callback (widget_class, on_visible_page_changed);

  for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
    {
      g_autofree char *action = g_strdup_printf ("win.show-%s", page_names[i]);

      gtk_widget_class_install_action (widget_class, action, NULL, show_page_action);
    }
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL, show_help_overlay_action);
  gtk_widget_class_install_action (widget_class, "win.show-conflicts", NULL, show_conflicts_action);
  gtk_widget_class_install_action (widget_class, "win.show-whistle", "s", show_whistle_action);
  gtk_widget_class_install_action (widget_class, "win.show-meeting", "s", show_meeting_action);
  gtk_widget_class_install_action (widget_class, "win.show-message", "s", show_message_action);
}

static void
evg_window_init (EvgWindow *self)
{
  g_type_ensure (EVG_TYPE_SYNC_INDICATOR);
  g_type_ensure (EVG_TYPE_LIST_FOCUS);
  g_type_ensure (EVG_TYPE_ROSTER_PAGE);
  g_type_ensure (EVG_TYPE_CALENDAR_PAGE);
  g_type_ensure (EVG_TYPE_CHECKINS_PAGE);
  g_type_ensure (EVG_TYPE_INBOX_PAGE);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_settings_bind (self->settings, "last-page", self->stack, "visible-child-name",
                   G_SETTINGS_BIND_DEFAULT);
  on_visible_page_changed (self);
  evg_stack_defer_status_icons (self->stack);
}

/**
 * evg_window_new:
 * @open_error: (nullable): why the database could not be opened; the window
 *   then explains it instead of showing the pages
 */
EvgWindow *
evg_window_new (EvgApplication *application,
                EvgContext     *context,
                const GError   *open_error)
{
  EvgWindow *self = g_object_new (EVG_TYPE_WINDOW,
                                  "application", application,
                                  "context", context,
                                  NULL);

  if (context == NULL)
    {
      gtk_stack_set_visible_child_name (self->main_stack, "error");
      adw_status_page_set_icon_name (self->error_page, "dialog-error-symbolic");
      adw_status_page_set_description (self->error_page,
                                       open_error != NULL ? open_error->message : NULL);
      for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
        {
          g_autofree char *action = g_strdup_printf ("win.show-%s", page_names[i]);

          gtk_widget_action_set_enabled (GTK_WIDGET (self), action, FALSE);
        }
    }

  return self;
}

const char *
evg_window_get_page (EvgWindow *self)
{
  g_return_val_if_fail (EVG_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

void
evg_window_set_page (EvgWindow  *self,
                     const char *page)
{
  g_return_if_fail (EVG_IS_WINDOW (self));
  gtk_stack_set_visible_child_name (self->stack, page);
}

void
evg_window_add_toast (EvgWindow *self,
                      AdwToast  *toast)
{
  g_return_if_fail (EVG_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}
