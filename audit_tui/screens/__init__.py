"""The screens of the interface: start, case list, case details, interview, dialogs, help."""
