#!/bin/sh
# Every translation is complete against a template made afresh from the
# sources (as `ninja l2l-workbench-pot` makes it): a new string without a
# translation, or one left fuzzy, fails. Usage: check-translations.sh SRCDIR
set -eu
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the keywords and flags of meson's i18n "glib" preset
xgettext --package-name=l2l-workbench --directory="$src" --files-from="$src/po/POTFILES.in" \
  --output="$tmp/l2l-workbench.pot" --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 \
  --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format

status=0
for lang in $(grep -v '^#' "$src/po/LINGUAS"); do
  msgmerge --quiet "$src/po/$lang.po" "$tmp/l2l-workbench.pot" --output-file="$tmp/$lang.po"
  stats=$(msgfmt --check --statistics --output-file="$tmp/$lang.mo" "$tmp/$lang.po" 2>&1)
  echo "$lang: $stats"
  case "$stats" in
    *fuzzy*|*untranslated*) status=1 ;;
  esac
done
exit $status
