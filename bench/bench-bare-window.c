/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The anchor for the start-up and memory figures: a bare libadwaita window
 * (a header bar and nothing else) with a GtkColumnView of 100,000 plain
 * strings.  The strings are Chinese, as the roster's are, so that both
 * programs pay for loading the CJK font and the anchor measures the toolkit,
 * not the script. */
#include "config.h"

#include <adwaita.h>

#include "evg-bench-frame.h"

static GtkColumnView *view;

static void
setup_label (GtkListItemFactory *factory,
             GtkListItem        *item)
{
  gtk_list_item_set_child (item, gtk_label_new (NULL));
}

static void
bind_label (GtkListItemFactory *factory,
            GtkListItem        *item)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)),
                       gtk_string_object_get_string (string));
}

static void
after_paint (GdkFrameClock *clock,
             GtkWidget     *window)
{
  /* The first frame that has rows in it: the column view has children
   * beyond its header once it has laid rows out. */
  GtkWidget *list = gtk_widget_get_last_child (GTK_WIDGET (view));

  if (list == NULL || gtk_widget_get_first_child (list) == NULL)
    return;

  g_signal_handlers_disconnect_by_func (clock, after_paint, window);
  evg_bench_report ("bare-window");
  gtk_window_close (GTK_WINDOW (window));
}

static void
on_map (GtkWidget *window)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (after_paint), window);
}

static void
activate (GApplication *app)
{
  g_autoptr(GtkStringList) strings = gtk_string_list_new (NULL);
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;
  GtkWidget *window, *scrolled, *box;
  char buf[64];

  for (guint i = 0; i < 100000; i++)
    {
      g_snprintf (buf, sizeof buf, "党员 %u", i);
      gtk_string_list_append (strings, buf);
    }

  g_signal_connect (factory, "setup", G_CALLBACK (setup_label), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_label), NULL);

  view = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (g_steal_pointer (&strings))))));
  column = gtk_column_view_column_new ("Name", g_steal_pointer (&factory));
  gtk_column_view_append_column (view, column);
  g_object_unref (column);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (view));

  window = adw_application_window_new (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  /* A libadwaita window has a header bar; nothing else is added. */
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  g_signal_connect (window, "map", G_CALLBACK (on_map), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(AdwApplication) app = adw_application_new ("org.evanguard.BenchBare",
                                                       G_APPLICATION_NON_UNIQUE);

  g_signal_connect (app, "activate", G_CALLBACK (activate), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
