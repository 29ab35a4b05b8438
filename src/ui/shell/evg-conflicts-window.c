/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-conflicts-window"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "evg-conflicts-window.h"
#include "evg-schema.h"
#include "evg-member.h"

/* Lists every sync conflict and rejected change with both values side by
 * side; the user keeps one or the other, and that choice syncs. */
struct _EvgConflictsWindow
{
  AdwWindow        parent_instance;

  /* Template widgets */
  GtkStack        *stack;
  GtkListBox      *list;
  AdwToastOverlay *toasts;

  /* Owned */
  EvgSyncClient   *client;
};

G_DEFINE_FINAL_TYPE (EvgConflictsWindow, evg_conflicts_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
field_label (const char *table,
             const char *column)
{
  const EvgTableSpec *spec = evg_schema_lookup_table (table);
  const EvgColumnSpec *col = spec != NULL ? evg_table_spec_lookup_column (spec, column) : NULL;

  /* Every record type names its columns in its descriptor. */
  if (col != NULL)
    return _(col->label);
  if (g_strcmp0 (column, "deleted") == 0)
    return _("Deleted");
  return column;
}

static const char *
kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "not_owner") == 0)
    return _("Refused: the record now belongs to another branch");
  if (g_strcmp0 (kind, "edit_deleted") == 0)
    return _("Edited here, but deleted elsewhere");
  if (g_strcmp0 (kind, "delete_edited") == 0)
    return _("Deleted here, but edited elsewhere");
  if (g_strcmp0 (kind, "unapplied") == 0)
    return _("Received, but it clashes with a record here (for example the same ID number)");
  if (g_strcmp0 (kind, "identity") == 0)
    return _("Identity details changed in two places");
  if (g_strcmp0 (kind, "rejected") == 0)
    return _("Refused by the server");
  return _("Changed in two places");
}

static char *
value_text (JsonObject *object,
            const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return g_strdup ("—");
  node = json_object_get_member (object, member);
  if (JSON_NODE_HOLDS_NULL (node))
    return g_strdup (_("(empty)"));
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);
      return g_strdup (*text != '\0' ? text : _("(empty)"));
    }
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return json_to_string (node, FALSE);
}

static JsonObject *
parse_object (const char *text,
              JsonParser *parser)
{
  JsonNode *root;

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
}

/* A grid of field | this computer | server, for the fields either side has. */
static GtkWidget *
build_comparison (EvgSyncConflict *conflict)
{
  g_autoptr(JsonParser) local_parser = json_parser_new ();
  g_autoptr(JsonParser) remote_parser = json_parser_new ();
  JsonObject *local = parse_object (evg_sync_conflict_get_local_value (conflict), local_parser);
  JsonObject *remote = parse_object (evg_sync_conflict_get_remote_value (conflict), remote_parser);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GtkGrid *grid = GTK_GRID (gtk_grid_new ());
  JsonObject *sides[] = { local, remote };
  const char *headers[] = { _("Field"), _("This computer"), _("Server") };
  int row = 1;

  gtk_grid_set_column_spacing (grid, 18);
  gtk_grid_set_row_spacing (grid, 6);
  gtk_widget_set_margin_start (GTK_WIDGET (grid), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (grid), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (grid), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (grid), 6);

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      GtkWidget *label = gtk_label_new (headers[i]);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "heading");
      gtk_grid_attach (grid, label, (int) i, 0, 1, 1);
    }

  for (guint s = 0; s < G_N_ELEMENTS (sides); s++)
    {
      g_autoptr(GList) members = sides[s] != NULL ? json_object_get_members (sides[s]) : NULL;

      for (GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *mine = NULL;
          g_autofree char *theirs = NULL;
          GtkWidget *labels[3];

          if (!g_hash_table_add (seen, l->data))
            continue;

          mine = value_text (local, l->data);
          theirs = value_text (remote, l->data);
          labels[0] = gtk_label_new (field_label (evg_sync_conflict_get_table (conflict), l->data));
          labels[1] = gtk_label_new (mine);
          labels[2] = gtk_label_new (theirs);
          for (guint c = 0; c < 3; c++)
            {
              gtk_label_set_xalign (GTK_LABEL (labels[c]), 0);
              gtk_label_set_wrap (GTK_LABEL (labels[c]), TRUE);
              gtk_label_set_selectable (GTK_LABEL (labels[c]), c > 0);
              if (c > 0 && g_strcmp0 (mine, theirs) != 0)
                gtk_widget_add_css_class (labels[c], "accent");
              gtk_grid_attach (grid, labels[c], (int) c, row, 1, 1);
            }
          row++;
        }
    }

  return GTK_WIDGET (grid);
}

static void
resolve (EvgConflictsWindow *self,
         GtkWidget          *button,
         EvgSyncResolution   resolution)
{
  EvgSyncConflict *conflict = g_object_get_data (G_OBJECT (button), "conflict");
  g_autoptr(GError) error = NULL;

  if (!evg_sync_client_resolve_conflict (self->client, conflict, resolution, &error))
    {
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
      return;
    }
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (_("Your choice is saved and will sync")));
}

static void
on_keep_local (GtkButton          *button,
               EvgConflictsWindow *self)
{
  resolve (self, GTK_WIDGET (button), EVG_SYNC_RESOLUTION_KEEP_LOCAL);
}

static void
on_keep_remote (GtkButton          *button,
                EvgConflictsWindow *self)
{
  resolve (self, GTK_WIDGET (button), EVG_SYNC_RESOLUTION_KEEP_REMOTE);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  EvgConflictsWindow *self = user_data;
  EvgSyncConflict *conflict = item;
  g_autofree char *summary = evg_sync_conflict_dup_summary (conflict);
  AdwExpanderRow *row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  GtkWidget *box, *buttons, *keep_local, *keep_remote;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), summary);
  adw_expander_row_set_subtitle (row, kind_label (evg_sync_conflict_get_kind (conflict)));
  adw_expander_row_set_expanded (row, TRUE);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (box), build_comparison (conflict));

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_widget_set_margin_end (buttons, 12);
  gtk_widget_set_margin_bottom (buttons, 12);
  keep_local = gtk_button_new_with_mnemonic (_("Keep _This Computer’s"));
  keep_remote = gtk_button_new_with_mnemonic (_("Keep the _Server’s"));
  g_object_set_data_full (G_OBJECT (keep_local), "conflict", g_object_ref (conflict), g_object_unref);
  g_object_set_data_full (G_OBJECT (keep_remote), "conflict", g_object_ref (conflict), g_object_unref);
  g_signal_connect_object (keep_local, "clicked", G_CALLBACK (on_keep_local), self, 0);
  g_signal_connect_object (keep_remote, "clicked", G_CALLBACK (on_keep_remote), self, 0);
  gtk_box_append (GTK_BOX (buttons), keep_local);
  gtk_box_append (GTK_BOX (buttons), keep_remote);
  gtk_box_append (GTK_BOX (box), buttons);

  adw_expander_row_add_row (row, box);
  return GTK_WIDGET (row);
}

static void
update_empty (EvgConflictsWindow *self)
{
  GListModel *model = evg_sync_client_get_conflicts (self->client);

  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (model) > 0 ? "list" : "empty");
}

static void
evg_conflicts_window_constructed (GObject *object)
{
  EvgConflictsWindow *self = EVG_CONFLICTS_WINDOW (object);
  GListModel *model = evg_sync_client_get_conflicts (self->client);

  G_OBJECT_CLASS (evg_conflicts_window_parent_class)->constructed (object);

  gtk_list_box_bind_model (self->list, model, create_row, self, NULL);
  g_signal_connect_object (model, "items-changed", G_CALLBACK (update_empty), self, G_CONNECT_SWAPPED);
  update_empty (self);
}

static void
evg_conflicts_window_dispose (GObject *object)
{
  EvgConflictsWindow *self = (EvgConflictsWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), EVG_TYPE_CONFLICTS_WINDOW);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (evg_conflicts_window_parent_class)->dispose (object);
}

static void
evg_conflicts_window_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  EvgConflictsWindow *self = EVG_CONFLICTS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_conflicts_window_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  EvgConflictsWindow *self = EVG_CONFLICTS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_conflicts_window_class_init (EvgConflictsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = evg_conflicts_window_constructed;
  object_class->dispose = evg_conflicts_window_dispose;
  object_class->get_property = evg_conflicts_window_get_property;
  object_class->set_property = evg_conflicts_window_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         EVG_TYPE_SYNC_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/evanguard/Workstation/ui/evg-conflicts-window.ui");
  gtk_widget_class_bind_template_child (widget_class, EvgConflictsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, EvgConflictsWindow, list);
  gtk_widget_class_bind_template_child (widget_class, EvgConflictsWindow, toasts);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
evg_conflicts_window_init (EvgConflictsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

EvgConflictsWindow *
evg_conflicts_window_new (EvgSyncClient *client)
{
  return g_object_new (EVG_TYPE_CONFLICTS_WINDOW, "client", client, NULL);
}
