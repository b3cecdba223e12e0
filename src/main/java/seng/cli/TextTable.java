package seng.cli;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with left-aligned columns separated by two spaces, for the admin commands' listings. */
final class TextTable {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    TextTable(String... header) {
        this.columns = header.length;
        rows.add(header);
    }

    TextTable row(Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("expected " + columns + " cells, got " + cells.length);
        }
        String[] text = new String[columns];
        for (int index = 0; index < columns; index++) {
            text[index] = String.valueOf(cells[index]);
        }
        rows.add(text);
        return this;
    }

    /** Returns the table with one line per row. Each line ends in a newline and has no trailing spaces. */
    String format() {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int index = 0; index < columns; index++) {
                widths[index] = Math.max(widths[index], row[index].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int index = 0; index < columns; index++) {
                line.append(row[index]);
                if (index < columns - 1) {
                    line.append(" ".repeat(widths[index] - row[index].length() + 2));
                }
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        return text.toString();
    }
}
