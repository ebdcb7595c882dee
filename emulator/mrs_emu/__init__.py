"""The MRS emulator's code, split by concern; tests/emulator/mrs_emulator.py is its command line."""
