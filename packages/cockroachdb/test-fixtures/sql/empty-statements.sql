;;
SELECT 1;;
; ; -- only separators and comments here;
/* nothing */ ;
SELECT 2
;
;
