/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-list-focus"

#include "config.h"

#include "evg-list-focus.h"

struct _EvgListFocus
{
  GtkWidget  parent_instance;

  GtkWidget *child;
};

static void evg_list_focus_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (EvgListFocus, evg_list_focus, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, evg_list_focus_buildable_init))

enum {
  PROP_0,
  PROP_CHILD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkBuildableIface *parent_buildable_iface;

/* The list inside @widget, found depth first. */
static GtkWidget *
find_list (GtkWidget *widget)
{
  if (GTK_IS_COLUMN_VIEW (widget) || GTK_IS_LIST_VIEW (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_list (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkSelectionModel *
get_model (GtkWidget *list)
{
  return GTK_IS_COLUMN_VIEW (list) ? gtk_column_view_get_model (GTK_COLUMN_VIEW (list))
                                   : gtk_list_view_get_model (GTK_LIST_VIEW (list));
}

/* Puts the focus on the selected row, scrolled into view. */
static gboolean
focus_selected_row (EvgListFocus *self)
{
  GtkWidget *list = find_list (self->child);
  GtkSelectionModel *model = list != NULL ? get_model (list) : NULL;
  g_autoptr(GtkBitset) selected = NULL;
  GtkRoot *root;
  GtkWidget *focus;

  if (model == NULL)
    return FALSE;
  selected = gtk_selection_model_get_selection (model);
  if (gtk_bitset_is_empty (selected))
    return FALSE;
  gtk_widget_activate_action (list, "list.scroll-to-item", "u", gtk_bitset_get_minimum (selected));
  root = gtk_widget_get_root (GTK_WIDGET (self));
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  return focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self));
}

static gboolean
evg_list_focus_focus (GtkWidget        *widget,
                      GtkDirectionType  direction)
{
  EvgListFocus *self = EVG_LIST_FOCUS (widget);
  gboolean tab = direction == GTK_DIR_TAB_FORWARD || direction == GTK_DIR_TAB_BACKWARD;

  if (self->child == NULL)
    return FALSE;
  /* Inside, Tab goes on to what follows the list. */
  if (tab && gtk_widget_get_focus_child (widget) != NULL)
    return FALSE;
  if (tab && focus_selected_row (self))
    return TRUE;
  return gtk_widget_child_focus (self->child, direction);
}

static void
evg_list_focus_dispose (GObject *object)
{
  EvgListFocus *self = EVG_LIST_FOCUS (object);

  g_clear_pointer (&self->child, gtk_widget_unparent);
  G_OBJECT_CLASS (evg_list_focus_parent_class)->dispose (object);
}

static void
evg_list_focus_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_CHILD:
      g_value_set_object (value, EVG_LIST_FOCUS (object)->child);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_list_focus_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_CHILD:
      evg_list_focus_set_child (EVG_LIST_FOCUS (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_list_focus_class_init (EvgListFocusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = evg_list_focus_dispose;
  object_class->get_property = evg_list_focus_get_property;
  object_class->set_property = evg_list_focus_set_property;
  widget_class->focus = evg_list_focus_focus;

  properties[PROP_CHILD] =
    g_param_spec_object ("child", NULL, NULL, GTK_TYPE_WIDGET, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
evg_list_focus_add_child (GtkBuildable *buildable,
                          GtkBuilder   *builder,
                          GObject      *child,
                          const char   *type)
{
  if (GTK_IS_WIDGET (child))
    evg_list_focus_set_child (EVG_LIST_FOCUS (buildable), GTK_WIDGET (child));
  else
    parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
evg_list_focus_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = evg_list_focus_add_child;
}

static void
evg_list_focus_init (EvgListFocus *self)
{
}

GtkWidget *
evg_list_focus_get_child (EvgListFocus *self)
{
  g_return_val_if_fail (EVG_IS_LIST_FOCUS (self), NULL);
  return self->child;
}

void
evg_list_focus_set_child (EvgListFocus *self,
                          GtkWidget    *child)
{
  g_return_if_fail (EVG_IS_LIST_FOCUS (self));

  if (self->child == child)
    return;
  g_clear_pointer (&self->child, gtk_widget_unparent);
  self->child = child;
  if (child != NULL)
    gtk_widget_set_parent (child, GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHILD]);
}
