/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-roster.h"

G_BEGIN_DECLS

#define EVG_TYPE_IMPORT_DIALOG (evg_import_dialog_get_type ())

G_DECLARE_FINAL_TYPE (EvgImportDialog, evg_import_dialog, EVG, IMPORT_DIALOG, AdwWindow)

EvgImportDialog *evg_import_dialog_new         (EvgRoster       *roster);
void             evg_import_dialog_choose_file (EvgImportDialog *self);
void             evg_import_dialog_open_path   (EvgImportDialog *self,
                                                const char      *path);

gboolean         evg_import_dialog_save_rejected (EvgImportDialog *self,
                                                  const char      *path);

G_END_DECLS
