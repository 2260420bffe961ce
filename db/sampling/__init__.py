"""Drawing the case sample before fieldwork: eligibility, the stratified draw, assignment, make-up.

Reads the service's caseload extract through db.file's CSV gate and works on case records;
the make-up of an inspection reads its cases through the store. No SQL of its own. Imports
db.file, db.errors and question_bank only (pyproject's import contracts check it).
"""
