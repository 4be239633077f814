// Write a workbook from cell values with another writer, as a unit's own system exports one:
// `node resave.mjs exceljs|sheetjs SHEETS.json OUT.xlsx`, SHEETS.json = [[sheet name, [[row values], …]], …]
// (null: an empty cell). exceljs and SheetJS (the `xlsx` package, community edition) each spell the
// package their own way (shared or inline strings, their styles, their namespace declarations).
import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import XLSX from "xlsx";

const [writer, input, output] = process.argv.slice(2);
const sheets = JSON.parse(readFileSync(input, "utf-8"));
if (writer === "exceljs") {
  const book = new ExcelJS.Workbook();
  for (const [name, rows] of sheets) {
    const sheet = book.addWorksheet(name);
    rows.forEach((values, r) => {
      values.forEach((value, c) => {
        if (value !== null) sheet.getCell(r + 1, c + 1).value = value;
      });
    });
  }
  await book.xlsx.writeFile(output);
} else if (writer === "sheetjs") {
  const book = XLSX.utils.book_new();
  for (const [name, rows] of sheets) {
    XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), name);
  }
  XLSX.writeFile(book, output, { bookType: "xlsx", compression: true });
} else {
  console.error(`unknown writer ${writer}`);
  process.exit(2);
}
