DROP TABLE "session_devices";
