"""The MRS emulator's code, split by concern; emulator/mrs_emulator.py is its command line."""
