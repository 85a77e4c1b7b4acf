"""Fill in a zdz survey workbook as a district officer would, with openpyxl.

usage: fill_survey.py IN.xlsx OUT.xlsx SHEET KEY_HEADER KEY HEADER VALUE [SHEET ...]

Each group of five sets HEADER to VALUE on the row of SHEET whose KEY_HEADER is KEY.
"""
import sys

import openpyxl


def main(args):
    book = openpyxl.load_workbook(args[0])
    out = args[1]
    rest = args[2:]
    while rest:
        sheet, key_header, key, header, value = rest[:5]
        rest = rest[5:]
        ws = book[sheet]
        headers = [c.value for c in ws[1]]
        key_col = headers.index(key_header) + 1
        col = headers.index(header) + 1
        for row in range(2, ws.max_row + 1):
            if ws.cell(row, key_col).value == key:
                ws.cell(row, col).value = value
                break
        else:
            sys.exit(f"{sheet}: no row with {key_header} = {key}")
    book.save(out)


if __name__ == "__main__":
    main(sys.argv[1:])
