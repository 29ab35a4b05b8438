/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-preferences-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "evg-discard-dialog.h"
#include "evg-kiosk-pin.h"
#include "evg-preferences-window.h"

struct _EvgPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  AdwEntryRow          *branch_name_row;
  AdwEntryRow          *branch_code_row;
  GtkLabel             *branch_error_label;
  gboolean              branch_touched;    /* the user typed in a branch field */
  AdwPreferencesPage   *sync_page;
  AdwEntryRow          *server_url_row;
  AdwEntryRow          *token_row;
  GtkLabel             *sync_result_label;
  GtkButton            *forget_button;
  GtkSpinner           *test_spinner;
  GtkButton            *test_button;
  GtkButton            *sync_save_button;
  GtkSwitch            *auto_sync_switch;
  GtkWidget            *public_page_row;
  GtkSwitch            *public_page_switch;
  gboolean              page_loading;
  GtkSpinButton        *target_spin;
  GtkSpinButton        *respond_spin;
  GtkSpinButton        *resolve_spin;
  GtkSpinButton        *partly_spin;
  GtkSpinButton        *basically_spin;
  gboolean              loading;
  AdwExpanderRow       *pin_row;
  GtkButton            *clear_pin_button;
  AdwPasswordEntryRow  *new_pin_row;
  AdwPasswordEntryRow  *repeat_pin_row;
  GtkLabel             *pin_status_label;

  /* Owned */
  EvgContext           *context;
  GCancellable         *cancellable;
};

G_DEFINE_FINAL_TYPE (EvgPreferencesWindow, evg_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_row_error (AdwEntryRow *row,
               gboolean     error)
{
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

/* Checks the branch fields as the user types, so that the reason a value
 * cannot be saved is visible at once; marks nothing until the user has
 * typed in them.  Returns whether they may be saved, with the reason
 * they may not in @message. */
static gboolean
check_branch (EvgPreferencesWindow  *self,
              char                 **message)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->branch_name_row))));
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->branch_code_row));
  gboolean name_ok = *name != '\0';
  gboolean code_ok = evg_context_validate_branch_code (code, &error);

  set_row_error (self->branch_name_row, self->branch_touched && !name_ok);
  set_row_error (self->branch_code_row, self->branch_touched && !code_ok);
  if (message != NULL)
    *message = !name_ok ? g_strdup (_("Enter the branch name.")) : !code_ok ? g_strdup (error->message) : NULL;
  return name_ok && code_ok;
}

/* Whether the fields differ from what is saved. */
static gboolean
branch_edited (EvgPreferencesWindow *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->branch_name_row))));
  g_autofree char *stored_name = evg_context_dup_branch_name (self->context);
  g_autofree char *stored_code = evg_context_dup_branch_code (self->context);

  return g_strcmp0 (name, stored_name != NULL ? stored_name : "") != 0 ||
         g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->branch_code_row)),
                    stored_code != NULL ? stored_code : "") != 0;
}

/* Saves the branch as it is typed, as GNOME's preferences do: there is
 * no Save button, and what is valid is kept at once. */
static void
on_branch_changed (EvgPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean valid;

  if (self->loading)
    return;
  self->branch_touched = TRUE;
  valid = check_branch (self, &message);
  if (valid && branch_edited (self) &&
      !evg_context_set_branch (self->context,
                               gtk_editable_get_text (GTK_EDITABLE (self->branch_name_row)),
                               gtk_editable_get_text (GTK_EDITABLE (self->branch_code_row)),
                               &error))
    message = g_strdup (error->message);
  gtk_label_set_label (self->branch_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->branch_error_label), message != NULL);
}

static void read_public_page (EvgPreferencesWindow *self);

static void
show_sync_result (EvgPreferencesWindow *self,
                  const char           *message,
                  gboolean              is_error)
{
  gtk_label_set_label (self->sync_result_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->sync_result_label), message != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->sync_result_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->sync_result_label), "error");
}

static void
update_sync_buttons (EvgPreferencesWindow *self)
{
  EvgSyncClient *client = evg_context_get_sync_client (self->context);
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->server_url_row));
  const char *token = gtk_editable_get_text (GTK_EDITABLE (self->token_row));
  gboolean busy = gtk_spinner_get_spinning (self->test_spinner);
  gboolean filled = *url != '\0' && *token != '\0';

  /* The address is marked as soon as it is one the client refuses, such as
   * plain http:// to another computer; Test and Save say why. */
  set_row_error (self->server_url_row, *url != '\0' && !evg_sync_check_server_url (url, NULL));
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), filled && !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_save_button), filled && !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->forget_button), evg_sync_client_get_configured (client));
}

static void
on_sync_fields_changed (EvgPreferencesWindow *self)
{
  show_sync_result (self, NULL, FALSE);
  update_sync_buttons (self);
}

static void
set_testing (EvgPreferencesWindow *self,
             gboolean              testing)
{
  gtk_spinner_set_spinning (self->test_spinner, testing);
  update_sync_buttons (self);
}

/* Builds the sentence shown for a failed connection: what went wrong and,
 * when the client knows it, what to do about it. */
static char *
describe_sync_error (const GError *error)
{
  const char *hint = evg_sync_error_get_settings_hint (error);

  if (hint != NULL)
    return g_strdup_printf ("%s %s", error->message, hint);
  return g_strdup (error->message);
}

static void
test_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(EvgPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *name = NULL;

  if (!evg_sync_client_test_connection_finish (EVG_SYNC_CLIENT (source), result, &code, &name, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = describe_sync_error (error);

          set_testing (self, FALSE);
          show_sync_result (self, message, TRUE);
        }
      return;
    }

  set_testing (self, FALSE);
  {
    g_autofree char *message = g_strdup_printf (_("The connection works. The server knows this "
                                                  "workstation as branch %s (%s)."),
                                                code != NULL ? code : "",
                                                name != NULL ? name : "");
    show_sync_result (self, message, FALSE);
  }
}

/* An address typed without its scheme, as people copy one from a letter
 * (sync.example.org:8443), is the https:// one. */
static void
complete_server_url (EvgPreferencesWindow *self)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_url_row))));

  if (*url != '\0' && strstr (url, "://") == NULL)
    {
      g_autofree char *full = g_strconcat ("https://", url, NULL);

      gtk_editable_set_text (GTK_EDITABLE (self->server_url_row), full);
    }
}

static void
on_test_clicked (EvgPreferencesWindow *self)
{
  complete_server_url (self);
  set_testing (self, TRUE);
  show_sync_result (self, _("Connecting to the server…"), FALSE);
  evg_sync_client_test_connection_async (evg_context_get_sync_client (self->context),
                                         gtk_editable_get_text (GTK_EDITABLE (self->server_url_row)),
                                         gtk_editable_get_text (GTK_EDITABLE (self->token_row)),
                                         self->cancellable,
                                         test_done,
                                         g_object_ref (self));
}

static void
on_sync_save_clicked (EvgPreferencesWindow *self)
{
  EvgSyncClient *client = evg_context_get_sync_client (self->context);
  g_autoptr(GError) error = NULL;

  complete_server_url (self);
  if (!evg_sync_client_configure (client,
                                  gtk_editable_get_text (GTK_EDITABLE (self->server_url_row)),
                                  gtk_editable_get_text (GTK_EDITABLE (self->token_row)),
                                  &error))
    {
      g_autofree char *message = describe_sync_error (error);

      show_sync_result (self, message, TRUE);
      return;
    }

  evg_sync_client_sync_now (client);
  show_sync_result (self, _("Saved. The first sync has started; the header shows how it goes."),
                    FALSE);
  update_sync_buttons (self);
  read_public_page (self);
}

static void
stop_syncing (EvgPreferencesWindow *self)
{
  EvgSyncClient *client = evg_context_get_sync_client (self->context);
  g_autoptr(GError) error = NULL;

  if (!evg_sync_client_forget (client, &error))
    {
      show_sync_result (self, error->message, TRUE);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  show_sync_result (self, _("Sync is off. Everything stays on this computer; changes made "
                            "meanwhile are sent if you set up sync again."), FALSE);
  update_sync_buttons (self);
  gtk_widget_set_sensitive (self->public_page_row, FALSE);
}

static void
on_stop_response (AdwMessageDialog     *dialog,
                  const char           *response,
                  EvgPreferencesWindow *self)
{
  if (g_strcmp0 (response, "stop") == 0)
    stop_syncing (self);
}

/* Stopping forgets the token, which only the server's administrator can
 * give again: ask first, and say so. */
static void
on_forget_clicked (EvgPreferencesWindow *self)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Stop Syncing?"),
                                              _("This workstation forgets the server’s address and the "
                                                "branch’s token. Everything recorded stays on this "
                                                "computer. To sync again you need the token from the "
                                                "server’s administrator."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Keep Syncing"),
                                    "stop", _("_Stop Syncing"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "stop", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_stop_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Whether the server's address or the token differ from what is saved. */
static gboolean
sync_edited (EvgPreferencesWindow *self)
{
  EvgSyncClient *client = evg_context_get_sync_client (self->context);
  const char *url = evg_sync_client_get_server_url (client);
  const char *token = gtk_editable_get_text (GTK_EDITABLE (self->token_row));

  return g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->server_url_row)), url != NULL ? url : "") != 0 ||
         (*token != '\0' && !evg_sync_client_get_configured (client));
}

/* What was typed is never lost in silence: a branch that cannot be saved
 * as it stands, or server settings not yet saved, are asked about. */
static gboolean
evg_preferences_window_close_request (GtkWindow *window)
{
  EvgPreferencesWindow *self = EVG_PREFERENCES_WINDOW (window);
  g_autofree char *message = NULL;

  if (evg_discard_dialog_confirmed (window))
    return GTK_WINDOW_CLASS (evg_preferences_window_parent_class)->close_request (window);
  if (branch_edited (self) && !check_branch (self, &message))
    {
      g_autofree char *body = g_strdup_printf (_("%s Keep editing to correct it, or discard what you "
                                                 "typed and keep the saved branch."), message);

      evg_discard_dialog_ask (window, _("The Branch Is Not Saved"), body);
      return TRUE;
    }
  if (sync_edited (self))
    {
      evg_discard_dialog_ask (window, _("The Server Settings Are Not Saved"),
                              _("Press “Save and Sync” to keep the address and token you typed, "
                                "or discard them."));
      return TRUE;
    }
  return GTK_WINDOW_CLASS (evg_preferences_window_parent_class)->close_request (window);
}

/* The branch's page for residents on the central server: asked when the
 * window opens (when sync is set up), set as the switch moves. */
static void
show_public_page (EvgPreferencesWindow *self,
                  gboolean              enabled)
{
  self->page_loading = TRUE;
  gtk_switch_set_active (self->public_page_switch, enabled);
  self->page_loading = FALSE;
  gtk_widget_set_sensitive (self->public_page_row, TRUE);
}

static void
public_page_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(EvgPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean enabled = FALSE;

  if (!evg_sync_client_public_page_finish (EVG_SYNC_CLIENT (source), result, &enabled, &error))
    {
      /* Closed meanwhile: nothing to show it in. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->context == NULL)
        return;
      /* Left as it was: say why, in one sentence, where the switch is. */
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
      gtk_widget_set_sensitive (self->public_page_row, evg_sync_client_get_configured (EVG_SYNC_CLIENT (source)));
      self->page_loading = TRUE;
      gtk_switch_set_active (self->public_page_switch, !gtk_switch_get_active (self->public_page_switch));
      self->page_loading = FALSE;
      return;
    }
  if (self->context != NULL)
    show_public_page (self, enabled);
}

static void
read_public_page (EvgPreferencesWindow *self)
{
  EvgSyncClient *client = evg_context_get_sync_client (self->context);

  gtk_widget_set_sensitive (self->public_page_row, FALSE);
  if (!evg_sync_client_get_configured (client))
    return;
  evg_sync_client_public_page_async (client, -1, self->cancellable, public_page_done, g_object_ref (self));
}

static void
on_public_page_toggled (EvgPreferencesWindow *self)
{
  if (self->page_loading)
    return;
  gtk_widget_set_sensitive (self->public_page_row, FALSE);
  evg_sync_client_public_page_async (evg_context_get_sync_client (self->context),
                                     gtk_switch_get_active (self->public_page_switch) ? 1 : 0,
                                     self->cancellable, public_page_done, g_object_ref (self));
}

/* The yearly target is kept in the database, so that every workstation
 * and the CLI count hours against the same one. */
static void
on_target_changed (EvgPreferencesWindow *self)
{
  evg_checkins_set_target_hours (evg_context_get_checkins (self->context),
                                 (guint) gtk_spin_button_get_value_as_int (self->target_spin));
}

/* The inbox's due times and weights are kept in the database too: the
 * rates read the same on every workstation and in the CLI. */
static void
show_inbox_settings (EvgPreferencesWindow *self)
{
  EvgInbox *inbox = evg_context_get_inbox (self->context);
  EvgRateWeights weights;
  guint respond, resolve;

  self->loading = TRUE;
  evg_inbox_get_due_hours (inbox, &respond, &resolve);
  evg_inbox_get_weights (inbox, &weights);
  gtk_spin_button_set_value (self->respond_spin, respond);
  gtk_spin_button_set_value (self->resolve_spin, resolve);
  gtk_spin_button_set_value (self->partly_spin, weights.partly_resolved);
  gtk_spin_button_set_value (self->basically_spin, weights.basically_satisfied);
  self->loading = FALSE;
}

static void
refuse_setting (EvgPreferencesWindow *self,
                GError               *error)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
  show_inbox_settings (self);
}

static void
on_due_changed (EvgPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->loading)
    return;
  if (!evg_inbox_set_due_hours (evg_context_get_inbox (self->context),
                                (guint) gtk_spin_button_get_value_as_int (self->respond_spin),
                                (guint) gtk_spin_button_get_value_as_int (self->resolve_spin), &error))
    refuse_setting (self, error);
}

static void
on_weights_changed (EvgPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  EvgRateWeights weights = {
    gtk_spin_button_get_value (self->partly_spin),
    gtk_spin_button_get_value (self->basically_spin),
  };

  if (self->loading)
    return;
  if (!evg_inbox_set_weights (evg_context_get_inbox (self->context), &weights, &error))
    refuse_setting (self, error);
}

static void
update_pin_row (EvgPreferencesWindow *self)
{
  gboolean set = evg_kiosk_pin_is_set ();

  adw_expander_row_set_subtitle (self->pin_row,
                                 set ? _("Set. Staff need it to leave the check-in kiosk.")
                                     : _("Not set. The check-in kiosk can only be opened once a PIN is set."));
  gtk_widget_set_visible (GTK_WIDGET (self->clear_pin_button), set);
}

static void
show_pin_status (EvgPreferencesWindow *self,
                 const char           *message)
{
  gtk_label_set_label (self->pin_status_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->pin_status_label), message != NULL);
}

/* The PIN is saved as soon as it has been typed twice alike, as GNOME's
 * settings apply as one types; until then the rows say what is wrong,
 * but not while the second one is still being typed. */
static void
on_pin_changed (EvgPreferencesWindow *self)
{
  const char *pin = gtk_editable_get_text (GTK_EDITABLE (self->new_pin_row));
  const char *again = gtk_editable_get_text (GTK_EDITABLE (self->repeat_pin_row));
  gboolean valid = evg_kiosk_pin_is_valid (pin);
  gboolean typing = g_str_has_prefix (pin, again) && strlen (again) < strlen (pin);

  set_row_error (ADW_ENTRY_ROW (self->new_pin_row), *pin != '\0' && !valid && *again != '\0');
  set_row_error (ADW_ENTRY_ROW (self->repeat_pin_row), valid && *again != '\0' && !typing &&
                 !g_str_equal (pin, again));

  if (*pin == '\0' && *again == '\0')
    show_pin_status (self, NULL);
  else if (*pin != '\0' && !valid &&
           (*again != '\0' || strlen (pin) > EVG_KIOSK_PIN_MAX_LENGTH ||
            strspn (pin, "0123456789") < strlen (pin)))
    show_pin_status (self, _("A PIN is 4 to 8 digits."));
  else if (valid && *again != '\0' && !typing && !g_str_equal (pin, again))
    show_pin_status (self, _("The two PINs differ. Type the same PIN twice."));
  else if (valid && g_str_equal (pin, again))
    {
      evg_kiosk_pin_set (pin);
      gtk_editable_set_text (GTK_EDITABLE (self->new_pin_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->repeat_pin_row), "");
      show_pin_status (self, NULL);
      update_pin_row (self);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (_("Kiosk PIN saved")));
    }
  else
    show_pin_status (self, NULL);
}

static void
on_clear_pin_clicked (EvgPreferencesWindow *self)
{
  evg_kiosk_pin_clear ();
  update_pin_row (self);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("Kiosk PIN cleared")));
}

static void
evg_preferences_window_constructed (GObject *object)
{
  EvgPreferencesWindow *self = EVG_PREFERENCES_WINDOW (object);
  g_autofree char *name = evg_context_dup_branch_name (self->context);
  g_autofree char *code = evg_context_dup_branch_code (self->context);

  EvgSyncClient *client;

  G_OBJECT_CLASS (evg_preferences_window_parent_class)->constructed (object);

  client = evg_context_get_sync_client (self->context);
  gtk_editable_set_text (GTK_EDITABLE (self->server_url_row),
                         evg_sync_client_get_server_url (client) != NULL
                         ? evg_sync_client_get_server_url (client) : "");
  g_object_bind_property (client, "auto-sync", self->auto_sync_switch, "active",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  update_sync_buttons (self);

  gtk_spin_button_set_value (self->target_spin,
                             evg_checkins_get_target_hours (evg_context_get_checkins (self->context)));
  update_pin_row (self);
  show_inbox_settings (self);
  read_public_page (self);

  /* A stored address the client no longer sends the token to (saved by an
   * older version, or edited by hand): say so at once, since every sync
   * fails on it. */
  {
    g_autoptr(GError) error = NULL;

    if (evg_sync_client_get_server_url (client) != NULL &&
        !evg_sync_check_server_url (evg_sync_client_get_server_url (client), &error))
      {
        g_autofree char *message = describe_sync_error (error);

        show_sync_result (self, message, TRUE);
      }
  }

  /* Nothing is marked until the user types: a new branch has nothing to
   * correct yet. */
  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->branch_name_row), name != NULL ? name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->branch_code_row), code != NULL ? code : "");
  self->loading = FALSE;
}

static void
evg_preferences_window_dispose (GObject *object)
{
  EvgPreferencesWindow *self = (EvgPreferencesWindow *)object;

  /* A test still running must not report into a closed window. */
  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), EVG_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (evg_preferences_window_parent_class)->dispose (object);
}

static void
evg_preferences_window_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  EvgPreferencesWindow *self = EVG_PREFERENCES_WINDOW (object);

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
evg_preferences_window_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  EvgPreferencesWindow *self = EVG_PREFERENCES_WINDOW (object);

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
evg_preferences_window_class_init (EvgPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = evg_preferences_window_constructed;
  object_class->dispose = evg_preferences_window_dispose;
  object_class->get_property = evg_preferences_window_get_property;
  object_class->set_property = evg_preferences_window_set_property;
  GTK_WINDOW_CLASS (klass)->close_request = evg_preferences_window_close_request;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         EVG_TYPE_CONTEXT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/evanguard/Workstation/ui/evg-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, branch_name_row);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, branch_code_row);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, branch_error_label);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, sync_page);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, server_url_row);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, token_row);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, sync_result_label);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, forget_button);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, test_button);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, sync_save_button);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, auto_sync_switch);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, public_page_row);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, public_page_switch);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, target_spin);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, respond_spin);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, resolve_spin);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, partly_spin);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, basically_spin);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, pin_row);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, clear_pin_button);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, new_pin_row);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, repeat_pin_row);
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, pin_status_label);
  gtk_widget_class_bind_template_callback (widget_class, on_target_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_due_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_weights_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_public_page_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_pin_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_pin_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_sync_fields_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_test_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_sync_save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_forget_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_branch_changed);
}

static void
evg_preferences_window_init (EvgPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

EvgPreferencesWindow *
evg_preferences_window_new (EvgContext *context)
{
  return g_object_new (EVG_TYPE_PREFERENCES_WINDOW, "context", context, NULL);
}

void
evg_preferences_window_show_sync (EvgPreferencesWindow *self)
{
  g_return_if_fail (EVG_IS_PREFERENCES_WINDOW (self));
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (self), self->sync_page);
}
