/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "evg-preferences-window.h"

struct _EvgPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  AdwEntryRow          *branch_name_row;
  AdwEntryRow          *branch_code_row;
  GtkLabel             *branch_error_label;
  GtkButton            *branch_save_button;

  /* Owned */
  EvgContext           *context;
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
 * cannot be saved is visible before they try. */
static gboolean
validate_branch (EvgPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->branch_name_row))));
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->branch_code_row));
  g_autofree char *stored_name = evg_context_dup_branch_name (self->context);
  g_autofree char *stored_code = evg_context_dup_branch_code (self->context);
  gboolean name_ok = *name != '\0';
  gboolean code_ok = evg_context_validate_branch_code (code, &error);
  gboolean changed = g_strcmp0 (name, stored_name) != 0 || g_strcmp0 (code, stored_code) != 0;
  const char *message = NULL;

  set_row_error (self->branch_name_row, !name_ok);
  set_row_error (self->branch_code_row, !code_ok);

  if (!name_ok)
    message = _("Enter the branch name.");
  else if (!code_ok)
    message = error->message;

  gtk_label_set_label (self->branch_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->branch_error_label), message != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->branch_save_button), name_ok && code_ok && changed);
  return name_ok && code_ok;
}

static void
on_branch_changed (EvgPreferencesWindow *self)
{
  validate_branch (self);
}

static void
on_branch_save (EvgPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (!validate_branch (self))
    return;

  if (!evg_context_set_branch (self->context,
                               gtk_editable_get_text (GTK_EDITABLE (self->branch_name_row)),
                               gtk_editable_get_text (GTK_EDITABLE (self->branch_code_row)),
                               &error))
    {
      gtk_label_set_label (self->branch_error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->branch_error_label), TRUE);
      return;
    }

  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("Branch details saved")));
  validate_branch (self);
}

static void
evg_preferences_window_constructed (GObject *object)
{
  EvgPreferencesWindow *self = EVG_PREFERENCES_WINDOW (object);
  g_autofree char *name = evg_context_dup_branch_name (self->context);
  g_autofree char *code = evg_context_dup_branch_code (self->context);

  G_OBJECT_CLASS (evg_preferences_window_parent_class)->constructed (object);

  gtk_editable_set_text (GTK_EDITABLE (self->branch_name_row), name != NULL ? name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->branch_code_row), code != NULL ? code : "");
  validate_branch (self);
  /* A new branch has nothing to correct yet: show no error until typing. */
  if (name == NULL && code == NULL)
    {
      set_row_error (self->branch_name_row, FALSE);
      set_row_error (self->branch_code_row, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->branch_error_label), FALSE);
    }
}

static void
evg_preferences_window_dispose (GObject *object)
{
  EvgPreferencesWindow *self = (EvgPreferencesWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), EVG_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->context);

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
  gtk_widget_class_bind_template_child (widget_class, EvgPreferencesWindow, branch_save_button);
  gtk_widget_class_bind_template_callback (widget_class, on_branch_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_branch_save);
}

static void
evg_preferences_window_init (EvgPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

EvgPreferencesWindow *
evg_preferences_window_new (EvgContext *context)
{
  return g_object_new (EVG_TYPE_PREFERENCES_WINDOW, "context", context, NULL);
}
