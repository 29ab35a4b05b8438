/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-kiosk-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "evg-kiosk-window.h"

/* The most members the kiosk lists: enough for a common surname, few
 * enough to read at a glance from a step away. */
#define MAX_MATCHES 6
/* How long a confirmation stays before the kiosk is ready for the next
 * person; an error stays a little longer, to be read out to staff. */
#define CONFIRMATION_SECONDS 5
#define ERROR_SECONDS 8

struct _EvgKioskWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  GtkStack             *mode_stack;
  GtkLabel             *title_label;
  GtkEntry             *entry;
  GtkStack             *result_stack;
  GtkListBox           *matches_list;
  GtkLabel             *hint_label;
  GtkBox               *result_box;
  GtkImage             *result_icon;
  GtkLabel             *result_label;
  GtkLabel             *detail_label;
  GtkPasswordEntry     *pin_entry;
  GtkLabel             *pin_error_label;

  /* Owned */
  EvgContext           *context;
  char                 *whistle_id;
  GListStore           *matches;
  char                 *message;
  guint                 clear_id;

  /* How many current members match the text, of which at most
   * MAX_MATCHES are listed. */
  guint                 n_matches;
  /* The member moved the selection with the arrow keys, so Enter means
   * the selected row even when several are listed. */
  guint                 chosen : 1;
  guint                 message_is_error : 1;
  /* The PIN was given: the window may close. */
  guint                 unlocked : 1;
};

G_DEFINE_FINAL_TYPE (EvgKioskWindow, evg_kiosk_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_WHISTLE_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef enum
{
  MESSAGE_DONE,
  MESSAGE_ALREADY,
  MESSAGE_ERROR,
} MessageKind;

/* A card holds the member's record id, a UUID; an ID card gives the
 * 18-character ID number.  Either is looked up as a whole, never
 * searched for by its fragments. */
static gboolean
looks_like_code (const char *text)
{
  size_t length = strlen (text);

  if (length == 36)
    {
      for (size_t i = 0; i < length; i++)
        {
          gboolean dash = i == 8 || i == 13 || i == 18 || i == 23;

          if (dash ? text[i] != '-' : !g_ascii_isxdigit (text[i]))
            return FALSE;
        }
      return TRUE;
    }
  if (length == 18)
    {
      for (size_t i = 0; i < 17; i++)
        if (!g_ascii_isdigit (text[i]))
          return FALSE;
      return g_ascii_isdigit (text[17]) || text[17] == 'X' || text[17] == 'x';
    }
  return FALSE;
}

/* "2026-07-10 09:05" → "09:05": the kiosk is for one day's event. */
static const char *
time_of (const char *at)
{
  const char *space = at != NULL ? strchr (at, ' ') : NULL;

  return space != NULL ? space + 1 : (at != NULL ? at : "");
}

static void
set_class (GtkWidget  *widget,
           const char *name,
           gboolean    on)
{
  if (on)
    gtk_widget_add_css_class (widget, name);
  else
    gtk_widget_remove_css_class (widget, name);
}

static void
clear_message (EvgKioskWindow *self)
{
  g_clear_handle_id (&self->clear_id, g_source_remove);
  g_clear_pointer (&self->message, g_free);
  self->message_is_error = FALSE;
  gtk_stack_set_visible_child_name (self->result_stack, "matches");
}

static gboolean
clear_message_cb (gpointer user_data)
{
  EvgKioskWindow *self = user_data;

  self->clear_id = 0;
  clear_message (self);
  return G_SOURCE_REMOVE;
}

/* Shows @title big, and @detail below it, until the next person starts
 * typing or a few seconds have passed. */
static void
show_message (EvgKioskWindow *self,
              MessageKind     kind,
              const char     *title,
              const char     *detail)
{
  static const char *icons[] = {
    [MESSAGE_DONE] = "emblem-ok-symbolic",
    [MESSAGE_ALREADY] = "dialog-information-symbolic",
    [MESSAGE_ERROR] = "dialog-error-symbolic",
  };

  g_clear_handle_id (&self->clear_id, g_source_remove);
  g_free (self->message);
  self->message = g_strconcat (title, "\n", detail, NULL);
  self->message_is_error = kind == MESSAGE_ERROR;

  gtk_label_set_label (self->result_label, title);
  gtk_label_set_label (self->detail_label, detail);
  gtk_image_set_from_icon_name (self->result_icon, icons[kind]);
  set_class (GTK_WIDGET (self->result_box), "evg-kiosk-success", kind == MESSAGE_DONE);
  set_class (GTK_WIDGET (self->result_box), "evg-kiosk-error", kind == MESSAGE_ERROR);
  gtk_stack_set_visible_child_name (self->result_stack, "result");
  self->clear_id = g_timeout_add_seconds (kind == MESSAGE_ERROR ? ERROR_SECONDS : CONFIRMATION_SECONDS,
                                          clear_message_cb, self);
}

static void
show_error (EvgKioskWindow *self,
            const GError   *error)
{
  /* The service's own errors say what is wrong in words for the member;
   * anything else is the database, which staff have to look at. */
  if (error->domain == EVG_CHECKINS_ERROR)
    {
      show_message (self, MESSAGE_ERROR, error->message, _("Please ask the staff for help."));
      return;
    }

  g_message ("The kiosk could not record a check-in: %s", error->message);
  {
    g_autofree char *detail = g_strdup_printf (_("Please ask the staff for help. (%s)"), error->message);

    show_message (self, MESSAGE_ERROR, _("The check-in could not be saved; nothing was recorded."),
                  detail);
  }
}

static void
show_result (EvgKioskWindow         *self,
             const EvgCheckinResult *result)
{
  g_autofree char *year = evg_format_hours (result->year_minutes);
  g_autofree char *detail = g_strdup_printf (_("This year: %s / %u hours of service"),
                                             year, result->target_hours);
  g_autofree char *title = NULL;

  if (result->already && result->left)
    title = g_strdup_printf (_("%s already checked out at %s; no need to check in again"),
                             result->name, time_of (result->left_at));
  else if (result->already)
    title = g_strdup_printf (_("%s already checked in at %s; no need to check in again"),
                             result->name, time_of (result->arrived_at));
  else if (result->left)
    {
      g_autofree char *hours = evg_format_hours (result->minutes);

      title = g_strdup_printf (_("%s checked out; %s hours of service this time"),
                               result->name, hours);
    }
  else
    title = g_strdup_printf (_("%s checked in at %s"), result->name, time_of (result->arrived_at));

  show_message (self, result->already ? MESSAGE_ALREADY : MESSAGE_DONE, title, detail);
}

/* Checks the member in or out, then empties the field for the next
 * person while the confirmation shows. */
static void
check_in (EvgKioskWindow *self,
          const char     *member_id)
{
  EvgCheckins *checkins = evg_context_get_checkins (self->context);
  g_auto(EvgCheckinResult) result = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup (member_id);

  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  if (!evg_checkins_kiosk (checkins, self->whistle_id, id, NULL, &result, &error))
    show_error (self, error);
  else
    show_result (self, &result);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static GtkWidget *
create_match_row (gpointer item,
                  gpointer user_data)
{
  EvgMember *member = item;
  const char *group = evg_member_get_party_group_name (member);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 24);
  GtkWidget *name = gtk_label_new (evg_member_get_name (member));
  GtkWidget *group_label = gtk_label_new (group != NULL ? group : "");

  gtk_widget_add_css_class (name, "evg-kiosk-name");
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (group_label, "evg-kiosk-group");
  gtk_label_set_xalign (GTK_LABEL (group_label), 1);
  gtk_label_set_ellipsize (GTK_LABEL (group_label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (group_label, TRUE);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), group_label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  /* The screen reader reads the member and their group as one. */
  {
    g_autofree char *label = group != NULL && *group != '\0'
      ? g_strdup_printf ("%s, %s", evg_member_get_name (member), group)
      : g_strdup (evg_member_get_name (member));

    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  }
  return row;
}

static void
on_entry_changed (EvgKioskWindow *self)
{
  EvgRoster *roster = evg_context_get_roster (self->context);
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry))));
  g_autoptr(GPtrArray) found = NULL;
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->matches));

  self->chosen = FALSE;
  self->n_matches = 0;
  if (*text == '\0')
    {
      /* Emptied after a check-in: the confirmation stays up. */
      g_list_store_remove_all (self->matches);
      gtk_label_set_label (self->hint_label, "");
      return;
    }

  /* Only the roster's index in memory is searched on each keystroke; the
   * database is not touched until Enter. */
  found = evg_roster_search (roster, text, MAX_MATCHES, &self->n_matches);
  g_list_store_splice (self->matches, 0, n_shown, found->pdata, found->len);
  clear_message (self);

  if (looks_like_code (text))
    gtk_label_set_label (self->hint_label, _("Press Enter to check in with this card."));
  else if (self->n_matches == 0 && g_ascii_isalpha (text[0]) && text[1] == '\0')
    /* The roster lists nobody for one letter: too many would match. */
    gtk_label_set_label (self->hint_label, _("Type one more letter."));
  else if (self->n_matches == 0)
    gtk_label_set_label (self->hint_label, _("No member matches. Check the spelling, or ask the staff."));
  else if (self->n_matches > found->len)
    {
      g_autofree char *hint = g_strdup_printf (ngettext ("%u more member matches: type more of your name.",
                                                         "%u more members match: type more of your name.",
                                                         self->n_matches - found->len),
                                               self->n_matches - found->len);

      gtk_label_set_label (self->hint_label, hint);
    }
  else if (self->n_matches > 1)
    gtk_label_set_label (self->hint_label, _("Tap your name, or choose it with the arrow keys and press Enter."));
  else
    gtk_label_set_label (self->hint_label, _("Press Enter or tap your name."));
}

static void
on_entry_activate (EvgKioskWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry))));
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->matches));
  GtkListBoxRow *selected = gtk_list_box_get_selected_row (self->matches_list);

  if (*text == '\0')
    return;

  if (looks_like_code (text))
    {
      EvgCheckins *checkins = evg_context_get_checkins (self->context);
      g_autoptr(GError) error = NULL;
      g_autofree char *member_id = evg_checkins_find_member (checkins, text, &error);

      if (member_id == NULL)
        {
          gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
          show_error (self, error);
          return;
        }
      check_in (self, member_id);
      return;
    }

  /* With several names listed, Enter alone could check in the wrong
   * person: it takes the row the member chose, or waits for a tap. */
  if (self->n_matches == 1 && n_shown == 1)
    selected = gtk_list_box_get_row_at_index (self->matches_list, 0);
  else if (!self->chosen)
    selected = NULL;

  if (selected != NULL)
    {
      g_autoptr(EvgMember) member = g_list_model_get_item (G_LIST_MODEL (self->matches),
                                                           gtk_list_box_row_get_index (selected));

      check_in (self, evg_member_get_id (member));
    }
  else if (self->n_matches > 1)
    gtk_label_set_label (self->hint_label, _("Several members match: tap your name, or type more of it."));
}

static void
on_row_activated (EvgKioskWindow *self,
                  GtkListBoxRow  *row)
{
  g_autoptr(EvgMember) member = g_list_model_get_item (G_LIST_MODEL (self->matches),
                                                       gtk_list_box_row_get_index (row));

  if (member != NULL)
    check_in (self, evg_member_get_id (member));
}

/* Up and Down in the field move through the names, so that a member can
 * choose theirs without leaving the keyboard. */
static gboolean
on_entry_key_pressed (EvgKioskWindow        *self,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      GtkEventControllerKey *controller)
{
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->matches));
  GtkListBoxRow *selected = gtk_list_box_get_selected_row (self->matches_list);
  int index = selected != NULL ? gtk_list_box_row_get_index (selected) : -1;

  if (n_shown == 0 || (keyval != GDK_KEY_Down && keyval != GDK_KEY_Up))
    return FALSE;

  if (keyval == GDK_KEY_Down)
    index = MIN (index + 1, (int) n_shown - 1);
  else
    index = MAX (index - 1, 0);
  gtk_list_box_select_row (self->matches_list, gtk_list_box_get_row_at_index (self->matches_list, index));
  self->chosen = TRUE;
  return TRUE;
}

static void
show_kiosk (EvgKioskWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  gtk_stack_set_visible_child_name (self->mode_stack, "kiosk");
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

/* Asks for the PIN; a kiosk opened before any PIN was set has nothing to
 * protect and closes at once. */
static void
ask_to_leave (EvgKioskWindow *self)
{
  if (!evg_kiosk_pin_is_set ())
    {
      self->unlocked = TRUE;
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  gtk_widget_set_visible (GTK_WIDGET (self->pin_error_label), FALSE);
  gtk_stack_set_visible_child_name (self->mode_stack, "pin");
  gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
}

static void
leave_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ask_to_leave (EVG_KIOSK_WINDOW (widget));
}

static void
stay_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  show_kiosk (EVG_KIOSK_WINDOW (widget));
}

static void
on_pin_activate (EvgKioskWindow *self)
{
  const char *pin = gtk_editable_get_text (GTK_EDITABLE (self->pin_entry));

  if (!evg_kiosk_pin_check (pin))
    {
      gtk_label_set_label (self->pin_error_label, _("Wrong PIN. The kiosk stays open."));
      gtk_widget_set_visible (GTK_WIDGET (self->pin_error_label), TRUE);
      gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
      gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
      return;
    }

  self->unlocked = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static void
unlock_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  on_pin_activate (EVG_KIOSK_WINDOW (widget));
}

static gboolean
on_escape (GtkWidget *widget,
           GVariant  *args,
           gpointer   user_data)
{
  EvgKioskWindow *self = EVG_KIOSK_WINDOW (widget);

  if (g_str_equal (gtk_stack_get_visible_child_name (self->mode_stack), "pin"))
    show_kiosk (self);
  else
    ask_to_leave (self);
  return TRUE;
}

/* Alt+F4, the window manager's close button, or a member pressing keys:
 * none of them leaves the kiosk without the PIN. */
static gboolean
evg_kiosk_window_close_request (GtkWindow *window)
{
  EvgKioskWindow *self = EVG_KIOSK_WINDOW (window);

  if (self->unlocked || !evg_kiosk_pin_is_set ())
    return GTK_WINDOW_CLASS (evg_kiosk_window_parent_class)->close_request (window);

  ask_to_leave (self);
  return TRUE;
}

static void
evg_kiosk_window_constructed (GObject *object)
{
  EvgKioskWindow *self = EVG_KIOSK_WINDOW (object);
  EvgRecord *whistle;

  G_OBJECT_CLASS (evg_kiosk_window_parent_class)->constructed (object);

  whistle = evg_checkins_lookup_whistle (evg_context_get_checkins (self->context), self->whistle_id);
  if (whistle != NULL)
    {
      const char *title = evg_record_get (whistle, EVG_WHISTLE_TITLE);
      const char *place = evg_record_get (whistle, EVG_WHISTLE_PLACE);
      g_autofree char *heading = place != NULL && *place != '\0'
        ? g_strdup_printf ("%s · %s", title, place) : g_strdup (title);

      gtk_label_set_label (self->title_label, heading);
      gtk_window_set_title (GTK_WINDOW (self), heading);
    }
  else
    gtk_label_set_label (self->title_label, _("This whistle is not in the database"));

  gtk_window_fullscreen (GTK_WINDOW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static void
evg_kiosk_window_dispose (GObject *object)
{
  EvgKioskWindow *self = EVG_KIOSK_WINDOW (object);

  g_clear_handle_id (&self->clear_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), EVG_TYPE_KIOSK_WINDOW);
  g_clear_object (&self->matches);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (evg_kiosk_window_parent_class)->dispose (object);
}

static void
evg_kiosk_window_finalize (GObject *object)
{
  EvgKioskWindow *self = EVG_KIOSK_WINDOW (object);

  g_free (self->whistle_id);
  g_free (self->message);

  G_OBJECT_CLASS (evg_kiosk_window_parent_class)->finalize (object);
}

static void
evg_kiosk_window_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  EvgKioskWindow *self = EVG_KIOSK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case PROP_WHISTLE_ID:
      g_value_set_string (value, self->whistle_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_kiosk_window_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  EvgKioskWindow *self = EVG_KIOSK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    case PROP_WHISTLE_ID:
      self->whistle_id = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_kiosk_window_class_init (EvgKioskWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = evg_kiosk_window_constructed;
  object_class->dispose = evg_kiosk_window_dispose;
  object_class->finalize = evg_kiosk_window_finalize;
  object_class->get_property = evg_kiosk_window_get_property;
  object_class->set_property = evg_kiosk_window_set_property;
  window_class->close_request = evg_kiosk_window_close_request;

  /**
   * EvgKioskWindow:context:
   *
   * The app's services; the kiosk uses the roster's search and the
   * check-ins service.
   */
  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         EVG_TYPE_CONTEXT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  /**
   * EvgKioskWindow:whistle-id:
   *
   * The whistle members check in to.
   */
  properties[PROP_WHISTLE_ID] =
    g_param_spec_string ("whistle-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/evanguard/Workstation/ui/evg-kiosk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, EvgKioskWindow, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, EvgKioskWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, EvgKioskWindow, entry);
  gtk_widget_class_bind_template_child (widget_class, EvgKioskWindow, result_stack);
  gtk_widget_class_bind_template_child (widget_class, EvgKioskWindow, matches_list);
  gtk_widget_class_bind_template_child (widget_class, EvgKioskWindow, hint_label);
  gtk_widget_class_bind_template_child (widget_class, EvgKioskWindow, result_box);
  gtk_widget_class_bind_template_child (widget_class, EvgKioskWindow, result_icon);
  gtk_widget_class_bind_template_child (widget_class, EvgKioskWindow, result_label);
  gtk_widget_class_bind_template_child (widget_class, EvgKioskWindow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, EvgKioskWindow, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, EvgKioskWindow, pin_error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_pin_activate);

  gtk_widget_class_install_action (widget_class, "kiosk.leave", NULL, leave_action);
  gtk_widget_class_install_action (widget_class, "kiosk.stay", NULL, stay_action);
  gtk_widget_class_install_action (widget_class, "kiosk.unlock", NULL, unlock_action);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, on_escape, NULL);
}

static void
evg_kiosk_window_init (EvgKioskWindow *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->matches = g_list_store_new (EVG_TYPE_MEMBER);
  gtk_list_box_bind_model (self->matches_list, G_LIST_MODEL (self->matches),
                           create_match_row, NULL, NULL);

  keys = gtk_event_controller_key_new ();
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (on_entry_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), keys);
}

/**
 * evg_kiosk_window_new:
 * @app: (nullable): the application, so that it keeps running while the
 *   kiosk is open
 * @context: the app's services
 * @whistle_id: the whistle members check in to
 *
 * Creates the kiosk; present it with gtk_window_present().  It goes full
 * screen by itself.
 *
 * Returns: (transfer none): the kiosk window, owned by GTK's list of
 *   windows
 */
EvgKioskWindow *
evg_kiosk_window_new (GtkApplication *app,
                      EvgContext     *context,
                      const char     *whistle_id)
{
  g_return_val_if_fail (app == NULL || GTK_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (EVG_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (whistle_id != NULL, NULL);

  return g_object_new (EVG_TYPE_KIOSK_WINDOW,
                       "application", app,
                       "context", context,
                       "whistle-id", whistle_id,
                       NULL);
}

const char *
evg_kiosk_window_get_whistle_id (EvgKioskWindow *self)
{
  g_return_val_if_fail (EVG_IS_KIOSK_WINDOW (self), NULL);

  return self->whistle_id;
}

/**
 * evg_kiosk_window_get_message:
 *
 * Returns: (nullable): the confirmation or error on screen, its big line
 *   and the line below it separated by a newline; %NULL when the kiosk is
 *   waiting for the next person
 */
const char *
evg_kiosk_window_get_message (EvgKioskWindow *self)
{
  g_return_val_if_fail (EVG_IS_KIOSK_WINDOW (self), NULL);

  return self->message;
}

/**
 * evg_kiosk_window_get_message_is_error:
 *
 * Returns: %TRUE while an error is on screen
 */
gboolean
evg_kiosk_window_get_message_is_error (EvgKioskWindow *self)
{
  g_return_val_if_fail (EVG_IS_KIOSK_WINDOW (self), FALSE);

  return self->message != NULL && self->message_is_error;
}
